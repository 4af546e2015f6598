from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Content editors get the new models' permissions (templates, subscribers, deliveries)."""

    dependencies = [("status", "0003_subscriptions")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
