"""The engine-specific full-text index beside search_searchdocument.

SQLite: an external-content FTS5 table (porter stemming, `_` splits words, prefix indexes
for as-you-type) kept in step by triggers. PostgreSQL: a stored, weighted tsvector column
(title and codes A, tags B, body D) with a GIN index, and one of titles, codes and tags
alone for as-you-type prefixes.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title, codes, tags, body,
        content='search_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3 4')""",
    """CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title, codes, tags, body)
        VALUES (new.id, new.title, new.codes, new.tags, new.body);
    END""",
    """CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, codes, tags, body)
        VALUES ('delete', old.id, old.title, old.codes, old.tags, old.body);
    END""",
    """CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, codes, tags, body)
        VALUES ('delete', old.id, old.title, old.codes, old.tags, old.body);
        INSERT INTO search_fts(rowid, title, codes, tags, body)
        VALUES (new.id, new.title, new.codes, new.tags, new.body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    """ALTER TABLE search_searchdocument ADD COLUMN document tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('english', coalesce(title, '')), 'A')
            || setweight(to_tsvector('english', coalesce(codes, '')), 'A')
            || setweight(to_tsvector('english', coalesce(tags, '')), 'B')
            || setweight(to_tsvector('english', coalesce(body, '')), 'D')
        ) STORED""",
    "CREATE INDEX search_document_fts ON search_searchdocument USING GIN (document)",
    # Titles, codes and tags alone: what an unfinished word is matched against as a prefix.
    """ALTER TABLE search_searchdocument ADD COLUMN head tsvector
        GENERATED ALWAYS AS (
            to_tsvector('english', coalesce(title, '') || ' ' || coalesce(codes, '')
                || ' ' || coalesce(tags, ''))
        ) STORED""",
    "CREATE INDEX search_head_fts ON search_searchdocument USING GIN (head)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_head_fts",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS head",
    "DROP INDEX IF EXISTS search_document_fts",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS document",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
