# Tickets opened by agents (0030) and agents' time zones (0031), made on two branches, joined.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0031_agent_time_zone_and_rating_categories"),
    ]

    operations = [
    ]
