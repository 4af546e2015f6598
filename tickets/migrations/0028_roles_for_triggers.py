from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0027_remove_reminded_at"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
