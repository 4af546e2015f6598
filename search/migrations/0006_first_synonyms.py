"""The synonyms a fresh help center starts with (what search.query held in code before);
editors change them in the admin."""

from django.db import migrations

FIRST_SYNONYMS = [
    ("sign in, log in, login, signin, logon", False),
    ("2fa, two-factor, mfa, totp", False),
    ("otp, 2fa, totp", True),
    ("api token, api key", True),
    ("access token, api key", True),
    ("invite, invitation", False),
    ("sse, streaming", True),
    ("payment, billing", True),
]


def add(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for terms, one_way in FIRST_SYNONYMS:
        Synonym.objects.get_or_create(terms=terms, defaults={"one_way": one_way})


def remove(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.filter(terms__in=[terms for terms, _ in FIRST_SYNONYMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0005_synonym")]

    operations = [migrations.RunPython(add, remove)]
