from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("status", "0004_content_editors_subscriptions"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
