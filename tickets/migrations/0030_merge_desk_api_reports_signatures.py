# Was the join of four branches of 0029; they now run one after the other (a no-op kept for
# databases that applied it).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0029_alter_ticket_channel"),
    ]

    operations = [
    ]
