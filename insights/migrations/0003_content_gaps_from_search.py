"""Content gaps (SearchQuery) move here from search, on the same table. Its content type moves
with it, so the permissions groups hold (leads and editors may view it) stay theirs."""

import django.utils.timezone
from django.db import migrations, models

from accounts.roles import sync_roles


def move_content_type(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="searchquery").exists():
        ContentType.objects.filter(app_label=source, model="searchquery").update(app_label=target)


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="search", target="insights")
    sync_roles(apps, schema_editor)


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="insights", target="search")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("insights", "0002_roles_for_dashboard"),
        ("search", "0010_content_gaps_move_to_insights"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchQuery",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("text", models.CharField(max_length=200, unique=True)),
                        ("searches", models.PositiveIntegerField(default=0)),
                        ("zero_results", models.PositiveIntegerField(default=0)),
                        ("opens", models.PositiveIntegerField(default=0)),
                        ("last_results", models.PositiveIntegerField(default=0)),
                        ("last_seen", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "verbose_name": "content gap",
                        "verbose_name_plural": "content gaps (searches)",
                        "ordering": ["-zero_results", "-searches"],
                        "db_table": "search_searchquery",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
