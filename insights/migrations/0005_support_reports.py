from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0004_answer_events"),
        ("tickets", "0029_report_clocks_and_export"),
    ]

    operations = [
        migrations.CreateModel(
            name="SupportReport",
            fields=[],
            options={
                "verbose_name": "support reports",
                "verbose_name_plural": "support reports",
                "proxy": True,
                "default_permissions": ("view",),
                "indexes": [],
                "constraints": [],
            },
            bases=("insights.searchday",),
        ),
        # Leads get the reports and the tickets' CSV export (accounts.roles).
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
