"""The queue's search: one row of text per ticket (head, conversation, internal notes) and
the engine's full-text index beside it, as the search app builds its own (search 0002):
SQLite, an external-content FTS5 table kept in step by triggers; PostgreSQL, a weighted
stored tsvector (head A, conversation C, notes D) of the words alone, with a GIN index that
takes new entries at once (search 0003). Existing tickets are filled in."""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE tickets_fts USING fts5(
        head, body, notes,
        content='tickets_ticketsearchtext', content_rowid='ticket_id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets_ticketsearchtext BEGIN
        INSERT INTO tickets_fts(rowid, head, body, notes)
        VALUES (new.ticket_id, new.head, new.body, new.notes);
    END""",
    """CREATE TRIGGER tickets_fts_ad AFTER DELETE ON tickets_ticketsearchtext BEGIN
        INSERT INTO tickets_fts(tickets_fts, rowid, head, body, notes)
        VALUES ('delete', old.ticket_id, old.head, old.body, old.notes);
    END""",
    """CREATE TRIGGER tickets_fts_au AFTER UPDATE ON tickets_ticketsearchtext BEGIN
        INSERT INTO tickets_fts(tickets_fts, rowid, head, body, notes)
        VALUES ('delete', old.ticket_id, old.head, old.body, old.notes);
        INSERT INTO tickets_fts(rowid, head, body, notes)
        VALUES (new.ticket_id, new.head, new.body, new.notes);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS tickets_fts_au",
    "DROP TRIGGER IF EXISTS tickets_fts_ad",
    "DROP TRIGGER IF EXISTS tickets_fts_ai",
    "DROP TABLE IF EXISTS tickets_fts",
]


# Words as SQLite's tokenizer and the query parser see them: PostgreSQL's own parser keeps
# `INV-88213` as `inv` and `-88213`, and `a@b.test` or `report.pdf` whole, which no query
# word would match.
def _words(column, weight):
    words = f"regexp_replace(coalesce({column}, ''), '[^[:alnum:]]+', ' ', 'g')"
    return f"setweight(to_tsvector('english', {words}), '{weight}')"


POSTGRES_FORWARD = [
    f"""ALTER TABLE tickets_ticketsearchtext ADD COLUMN document tsvector
        GENERATED ALWAYS AS (
            {_words("head", "A")} || {_words("body", "C")} || {_words("notes", "D")}
        ) STORED""",
    """CREATE INDEX tickets_search_fts ON tickets_ticketsearchtext
        USING GIN (document) WITH (fastupdate = off)""",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS tickets_search_fts",
    "ALTER TABLE tickets_ticketsearchtext DROP COLUMN IF EXISTS document",
]
HEAD_FIELDS = ("reference", "subject", "name", "email", "request_id", "error_message", "endpoint")


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def fill(apps, schema_editor):
    """The text of every ticket there is (what TicketSearchText.refresh stores)."""
    Ticket = apps.get_model("tickets", "Ticket")
    TicketSearchText = apps.get_model("tickets", "TicketSearchText")
    tickets = Ticket.objects.select_related("organization").prefetch_related(
        "tags", "field_values", "files", "messages"
    )
    rows = []
    for ticket in tickets.iterator(chunk_size=500):
        head = [getattr(ticket, name) or "" for name in HEAD_FIELDS]
        head += [ticket.organization.name] if ticket.organization_id else []
        head += [tag.name for tag in ticket.tags.all()]
        head += [value.value for value in ticket.field_values.all()]
        head += [file.name for file in ticket.files.all()]
        messages = list(ticket.messages.all())
        rows.append(
            TicketSearchText(
                ticket_id=ticket.pk,
                head="\n".join(h for h in head if h),
                body="\n\n".join(m.body for m in messages if not m.is_internal),
                notes="\n\n".join(m.body for m in messages if m.is_internal),
            )
        )
        if len(rows) >= 500:
            TicketSearchText.objects.bulk_create(rows)
            rows = []
    TicketSearchText.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0028_roles_for_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name="TicketSearchText",
            fields=[
                (
                    "ticket",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_text",
                        serialize=False,
                        to="tickets.ticket",
                    ),
                ),
                (
                    "head",
                    models.TextField(
                        blank=True,
                        help_text="Reference, subject, requester, organization, tags, field "
                        "values, file names.",
                    ),
                ),
                (
                    "body",
                    models.TextField(blank=True, help_text="Every message the customer can see."),
                ),
                ("notes", models.TextField(blank=True, help_text="Internal notes: staff only.")),
            ],
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
