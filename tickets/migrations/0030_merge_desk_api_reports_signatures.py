# The four branches of 0029 (API channel, queue search, signatures, report clocks) joined.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0029_agent_signature'),
        ('tickets', '0029_alter_ticket_channel'),
        ('tickets', '0029_report_clocks_and_export'),
        ('tickets', '0029_ticket_search_text'),
    ]

    operations = [
    ]
