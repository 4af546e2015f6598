"""Inbound email belongs to the mail gateway now (mail 0002, same table): tickets lets go of
the model, and a message's email is mail's."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0017_attachment_network"),
        ("mail", "0002_inbound_email_from_tickets"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="ticketmessage",
                    name="inbound",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="messages", to="mail.inboundemail"),
                ),
                migrations.RemoveConstraint(model_name="inboundemail", name="inbound_one_per_message_id"),
                migrations.DeleteModel(name="InboundEmail"),
            ],
        ),
    ]
