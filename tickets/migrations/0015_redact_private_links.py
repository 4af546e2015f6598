from django.db import migrations
from django.db.models import Q

from core.redaction import redact_private_links

# The text fields that held email text, and the prefixes a private link starts with.
FIELDS = [
    ("InboundEmail", "full_text", {}),
    ("InboundEmail", "subject", {}),
    ("TicketMessage", "body", {"via": "email"}),
    ("Ticket", "description", {"messages__via": "email"}),
]


def redact(apps, schema_editor):
    """Emails stored before private links were redacted from them (core.redaction)."""
    for model_name, field, only in FIELDS:
        model = apps.get_model("tickets", model_name)
        holding = Q(**{f"{field}__contains": "support/"}) | Q(**{f"{field}__contains": "status/"})
        rows = model.objects.filter(holding, **only).distinct().only("pk", field)
        changed = []
        for row in rows.iterator(chunk_size=500):
            text = getattr(row, field)
            redacted = redact_private_links(text)
            if redacted != text:
                setattr(row, field, redacted)
                changed.append(row)
            if len(changed) >= 500:
                model.objects.bulk_update(changed, [field])
                changed = []
        model.objects.bulk_update(changed, [field])


class Migration(migrations.Migration):
    """Irreversible in substance (a redacted token cannot come back); going back leaves the
    text redacted, which every version reads the same."""

    dependencies = [
        ('tickets', '0014_inbound_provider_verdicts'),
    ]

    operations = [
        migrations.RunPython(redact, migrations.RunPython.noop),
    ]
