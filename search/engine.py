"""Runs a parsed query against the engine's full-text index. One function per engine.

Both return (ids in rank order, total). Ranking: documents declaring an error code in the
query first, then relevance with title and codes weighing more than tags, tags more than body.
"""

from django.db import connection

# SQLite bm25 column weights: title, codes, tags, body.
BM25_WEIGHTS = (10.0, 10.0, 4.0, 1.0)
# PostgreSQL ts_rank weights for D, C, B, A.
TS_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"


def run(parsed, *, tag=None, limit=10, offset=0, match_any=False):
    if connection.vendor == "postgresql":
        return _postgres(parsed, tag, limit, offset, match_any)
    return _sqlite(parsed, tag, limit, offset, match_any)


def count(parsed, *, tag=None):
    """Only the number of matches (what the home page's count line needs)."""
    return run(parsed, tag=tag, limit=0)[1]


def _codes_first(codes, column):
    """SQL fragment (and params) that is 1 when the document declares one of `codes`."""
    if not codes:
        return "0", []
    sql = " OR ".join([f"(' ' || {column} || ' ') LIKE %s"] * len(codes))
    return f"CASE WHEN {sql} THEN 1 ELSE 0 END", [f"% {code} %" for code in codes]


def _groups(parsed):
    """The words to match (each with its alternatives), leaving out those of error codes."""
    return [(t.alternatives, t.prefix, t.completions) for t in parsed.terms if not t.in_code]


def _sqlite_match(parsed, match_any):
    def group(alternatives, prefix, completions):
        star = "*" if prefix else ""
        words = [f'"{word}"{star}' for word in alternatives] + [f'"{w}"' for w in completions]
        return "(" + " OR ".join(words) + ")"

    # An error code matches as a phrase in the codes column: found through the index.
    codes = " OR ".join(f'codes : "{" ".join(code.split("_"))}"' for code in parsed.codes)
    words = (" OR " if match_any else " AND ").join(group(*g) for g in _groups(parsed))
    return " OR ".join(f"({part})" for part in (codes, words) if part)


def _sqlite(parsed, tag, limit, offset, match_any):
    match = _sqlite_match(parsed, match_any)
    codes_sql, codes_params = _codes_first(parsed.codes, "d.codes")
    where = "search_fts MATCH %s"
    params = [match]
    if tag:
        where += " AND d.tag_slugs LIKE %s"
        params.append(f"% {tag} %")
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    base = f"FROM search_fts JOIN search_searchdocument d ON d.id = search_fts.rowid WHERE {where}"
    with connection.cursor() as cursor:
        ids = []
        if limit:
            cursor.execute(
                f"SELECT d.id FROM (SELECT d.id, {codes_sql} AS code_hit, "
                f"bm25(search_fts, {weights}) AS score {base}) d "
                "ORDER BY d.code_hit DESC, d.score LIMIT %s OFFSET %s",
                [*codes_params, *params, limit, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT count(*) {base}", params)
        total = cursor.fetchone()[0]
    return ids, total


def _postgres_tsquery(parsed, match_any):
    def group(alternatives, prefix, completions):
        star = ":*" if prefix else ""
        words = [f"{word}{star}" for word in alternatives] + list(completions)
        return "(" + " | ".join(words) + ")"

    # An error code matches as a phrase weighted A (title or codes).
    codes = " | ".join(
        "(" + " <-> ".join(f"{part}:A" for part in code.split("_")) + ")" for code in parsed.codes
    )
    words = (" | " if match_any else " & ").join(group(*g) for g in _groups(parsed))
    return " | ".join(f"({part})" for part in (codes, words) if part)


def _postgres(parsed, tag, limit, offset, match_any):
    tsquery = _postgres_tsquery(parsed, match_any)
    codes_sql, codes_params = _codes_first(parsed.codes, "d.codes")
    where = "d.document @@ q.query"
    params = [tsquery]
    tag_params = []
    if tag:
        where += " AND d.tag_slugs LIKE %s"
        tag_params.append(f"% {tag} %")
    base = f"FROM search_searchdocument d, to_tsquery('english', %s) AS q(query) WHERE {where}"
    with connection.cursor() as cursor:
        ids = []
        if limit:
            cursor.execute(
                f"SELECT d.id, {codes_sql} AS code_hit, "
                f"ts_rank(%s::float4[], d.document, q.query) AS score {base} "
                "ORDER BY code_hit DESC, score DESC, d.id LIMIT %s OFFSET %s",
                [*codes_params, TS_WEIGHTS, *params, *tag_params, limit, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT count(*) {base}", [*params, *tag_params])
        total = cursor.fetchone()[0]
    return ids, total
