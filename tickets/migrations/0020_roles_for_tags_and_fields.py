from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0019_tags_and_custom_fields"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
