from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("api", "0003_webhooks")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
