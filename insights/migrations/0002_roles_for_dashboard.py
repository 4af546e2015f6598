from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_search_events_and_daily_totals"),
        ("kb", "0001_initial"),
        ("search", "0003_gin_without_pending_list"),
        ("status", "0005_roles_without_subscribers"),
        ("tickets", "0011_roles_for_satisfaction"),
        ("runbooks", "0002_support_category"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
