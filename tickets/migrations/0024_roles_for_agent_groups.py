from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0023_agent_groups"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
