"""An inbound email's ticket becomes its owner (a content type and an id): mail knows no
app. The links are copied both ways; staff roles follow the model to its new app."""

import django.db.models.deletion
from django.db import migrations, models

from accounts.roles import sync_roles


def _content_type(apps, app_label, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def _move_content_type(apps, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="inboundemail").exists():
        ContentType.objects.filter(app_label=source, model="inboundemail").update(
            app_label=target
        )


def forwards(apps, schema_editor):
    InboundEmail = apps.get_model("mail", "InboundEmail")
    ticket_type = _content_type(apps, "tickets", "ticket")
    InboundEmail.objects.filter(ticket__isnull=False).update(
        owner_type=ticket_type, owner_id=models.F("ticket_id")
    )
    _move_content_type(apps, "tickets", "mail")
    sync_roles(apps, schema_editor)


def backwards(apps, schema_editor):
    InboundEmail = apps.get_model("mail", "InboundEmail")
    ticket_type = _content_type(apps, "tickets", "ticket")
    InboundEmail.objects.filter(owner_type=ticket_type).update(ticket_id=models.F("owner_id"))
    _move_content_type(apps, "mail", "tickets")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("mail", "0002_inbound_email_from_tickets"),
        ("tickets", "0018_inbound_email_moves_to_mail"),
    ]

    operations = [
        migrations.AddField(
            model_name="inboundemail",
            name="owner_type",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="contenttypes.contenttype"),
        ),
        migrations.AddField(
            model_name="inboundemail",
            name="owner_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="inboundemail",
            index=models.Index(fields=["owner_type", "owner_id"], name="inbound_owner"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="inboundemail", name="ticket"),
    ]
