from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0010_satisfaction_and_automations"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
