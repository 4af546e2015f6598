from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("slack", "0001_initial")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
