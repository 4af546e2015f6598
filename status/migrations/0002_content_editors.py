from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Content editors manage platform status too (the groups came before this app's models)."""

    dependencies = [
        ("status", "0001_initial"),
        ("tickets", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
