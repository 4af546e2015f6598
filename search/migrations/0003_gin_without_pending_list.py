"""PostgreSQL: the full-text GIN indexes take new entries at once, without a pending list.

With `fastupdate` (the default), rows written since the last vacuum sit in an unsorted
pending list that every search scans from end to end: right after a rebuild or bulk import,
an as-you-type query spent 3 of its 4 ms there at 10,000 documents (make bench-search).
Content is written rarely and searched often, so writes pay instead.
"""

from django.db import migrations

INDEXES = ["search_document_fts", "search_head_fts"]


def _set_fastupdate(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for index in INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} SET (fastupdate = {value})")
            if value == "off":
                # Merge what is already pending: the setting only applies to new writes.
                schema_editor.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text_index")]

    operations = [migrations.RunPython(_set_fastupdate("off"), _set_fastupdate("on"))]
