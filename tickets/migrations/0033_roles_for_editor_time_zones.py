from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0032_ticket_merged_email"),
    ]

    operations = [
        # Content editors set their own time zone (Support › Agent preferences), in which
        # Publish at / Unpublish at are typed.
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
