"""Inbound email moves from tickets to the mail gateway, on the same table: first Django's
idea of the model (with its link to a ticket, as it was), then tickets lets go of it
(tickets 0018), then the link becomes a generic owner (mail 0003)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

STATES = [
    ("received", "Received (waiting to be processed)"),
    ("processed", "Processed"),
    ("dropped", "Dropped (on purpose)"),
    ("failed", "Failed (kept; can be processed again)"),
]
OUTCOMES = [
    ("new_ticket", "New ticket"),
    ("reply", "Customer reply"),
    ("note", "Internal note (not from the requester)"),
    ("bounce", "Bounce of an email we sent"),
    ("auto_reply", "Automatic reply (ignored)"),
    ("bulk", "Bulk or list mail (ignored)"),
    ("own", "Our own email (ignored)"),
    ("duplicate", "Duplicate (already received)"),
    ("too_many", "Too many from this sender (ignored)"),
    ("unreadable", "Unreadable"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0001_outbox"),
        ("tickets", "0017_attachment_network"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="InboundEmail",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("raw", models.FileField(max_length=200, upload_to="inbound/%Y/%m/%d/")),
                        ("size", models.PositiveIntegerField()),
                        ("source", models.CharField(help_text="pipe, imap, or webhook:<provider>", max_length=40)),
                        ("received_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ("message_id", models.CharField(blank=True, db_index=True, max_length=500)),
                        ("sender", models.CharField(blank=True, max_length=254)),
                        ("sender_key", models.CharField(blank=True, db_index=True, max_length=320)),
                        ("network", models.CharField(blank=True, db_index=True, max_length=100)),
                        ("subject", models.CharField(blank=True, max_length=300)),
                        ("verdicts", models.JSONField(blank=True, default=dict)),
                        ("provider_verdicts", models.JSONField(blank=True, default=dict)),
                        ("state", models.CharField(choices=STATES, default="received", max_length=10)),
                        ("outcome", models.CharField(blank=True, choices=OUTCOMES, max_length=12)),
                        ("detail", models.TextField(blank=True, help_text="Why it was dropped, or what failed.")),
                        ("processed_at", models.DateTimeField(blank=True, null=True)),
                        ("acknowledged", models.BooleanField(default=False)),
                        ("ticket", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="tickets.ticket")),
                        ("full_text", models.TextField(blank=True)),
                    ],
                    options={
                        "verbose_name": "inbound email",
                        "db_table": "tickets_inboundemail",
                        "ordering": ["-received_at"],
                        "constraints": [models.UniqueConstraint(condition=models.Q(("message_id", ""), _negated=True), fields=("message_id",), name="inbound_one_per_message_id")],
                    },
                ),
            ],
        ),
    ]
