"""Content is sanitised once, when saved: the HTML stored before code blocks and tables were
made reachable by keyboard (core.markup.focusable_scrollers) gets the same treatment
here, so existing sites need no re-save or re-import. Idempotent; reversing keeps the HTML."""

from django.db import migrations

from core.markup import focusable_scrollers

STORED_HTML = [
    ("kb", "Guide", "body_html"),
    ("kb", "FAQEntry", "body_html"),
    ("kb", "PageBlock", "body_html"),
    ("runbooks", "Runbook", "body_html"),
    ("status", "Incident", "postmortem_html"),
]


def make_scrollers_focusable(apps, schema_editor):
    for app_label, model_name, field in STORED_HTML:
        model = apps.get_model(app_label, model_name)
        rows = model.objects.filter(**{f"{field}__regex": r"<(pre|table)>"})
        for pk, html in rows.values_list("pk", field).iterator():
            model.objects.filter(pk=pk).update(**{field: focusable_scrollers(html)})


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_gin_without_pending_list"),
        ("kb", "0001_initial"),
        ("runbooks", "0002_support_category"),
        ("status", "0005_roles_without_subscribers"),
    ]

    operations = [migrations.RunPython(make_scrollers_focusable, migrations.RunPython.noop)]
