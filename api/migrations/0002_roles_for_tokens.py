from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial"), ("tickets", "0029_alter_ticket_channel")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
