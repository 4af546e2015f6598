from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Content editors keep the synonyms (accounts.roles)."""

    dependencies = [
        ("search", "0007_search_section"),
        ("status", "0005_roles_without_subscribers"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
