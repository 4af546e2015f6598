from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0021_organizations"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
