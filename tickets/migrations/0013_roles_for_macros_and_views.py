from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0012_agents_macros_saved_views"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
