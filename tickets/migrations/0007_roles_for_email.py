from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0006_email_conversations"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
