# Support leads may open tickets for customers as agents do (and export as before). It also
# joins the branches made beside it: the API's index (0030) and the editors' time zones (0033).
from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0033_channel_choices_joined"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
