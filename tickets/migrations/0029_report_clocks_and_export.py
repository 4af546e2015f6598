from django.conf import settings
from django.db import migrations, models


def fill_business_times(apps, schema_editor):
    """The business time to the first response and to the resolution of the tickets that
    have them, with the schedule in settings now (tickets.sla)."""
    from tickets import sla

    Ticket = apps.get_model("tickets", "Ticket")
    rows = Ticket.objects.exclude(first_response_at=None, resolved_at=None).only(
        "created_at", "first_response_at", "resolved_at"
    )
    batch = []
    for ticket in rows.iterator(chunk_size=2000):
        for moment, field in (
            (ticket.first_response_at, "first_response_seconds"),
            (ticket.resolved_at, "resolution_seconds"),
        ):
            if moment is not None:
                seconds = sla.between(ticket.created_at, moment).total_seconds()
                setattr(ticket, field, int(seconds))
        batch.append(ticket)
        if len(batch) == 2000:
            Ticket.objects.bulk_update(batch, ["first_response_seconds", "resolution_seconds"])
            batch = []
    Ticket.objects.bulk_update(batch, ["first_response_seconds", "resolution_seconds"])


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0029_ticket_search_text"),
        ("runbooks", "0003_scheduling_and_freshness"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="ticket",
            options={
                "ordering": ["-created_at"],
                "permissions": [("export_ticket", "Can export tickets as CSV")],
            },
        ),
        migrations.AddField(
            model_name="ticket",
            name="first_response_seconds",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="ticket",
            name="resolution_seconds",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["created_at"], name="tickets_created_at"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["resolved_at"], name="tickets_resolved_at"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["first_response_at"], name="tickets_first_response_at"),
        ),
        migrations.RunPython(fill_business_times, migrations.RunPython.noop),
    ]
