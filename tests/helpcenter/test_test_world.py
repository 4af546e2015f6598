"""The test world's content (tests/snapshot.py) is what the importer writes, search index
included: a search ranks the restored content as it ranks a freshly indexed one."""

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's FTS5 index; PostgreSQL's is a column"
)

MATCH = "SELECT rowid, bm25(search_fts) FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid"


def _ranked(words):
    with connection.cursor() as cursor:
        cursor.execute(MATCH, [words])
        return [(rowid, round(score, 6)) for rowid, score in cursor.fetchall()]


@pytest.mark.django_db
def test_the_restored_content_is_indexed_once(content):
    restored = _ranked("api key")
    assert restored
    # Rebuilt from the documents alone, the index holds each of them once.
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    assert _ranked("api key") == restored
