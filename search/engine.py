"""Runs a parsed query against the engine's full-text index. One function per engine.

Both return (page, total): the page's documents in rank order, each a `Found` row with what a
result needs (and the first `excerpt` characters of its body, for the snippet), fetched in the
query that ranks them. Ranking: documents declaring an error code in the query first, then
relevance with title and codes weighing more than tags, tags more than body.
"""

from typing import NamedTuple

from django.db import connection

# SQLite bm25 column weights: title, codes, tags, body.
BM25_WEIGHTS = (10.0, 10.0, 4.0, 1.0)
# PostgreSQL ts_rank weights for D, C, B, A.
TS_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"


class Found(NamedTuple):
    id: int
    kind: str
    title: str
    url: str
    codes: str
    excerpt: str  # the start of the body


def run(parsed, *, tag=None, limit=10, offset=0, match_any=False, excerpt=0):
    if connection.vendor == "postgresql":
        return _postgres(parsed, tag, limit, offset, match_any, excerpt)
    return _sqlite(parsed, tag, limit, offset, match_any, excerpt)


def match_expression(parsed):
    """The full-text match of `parsed` in the syntax of the engine in use: an FTS5 MATCH
    string (SQLite) or a to_tsquery string (PostgreSQL); None when nothing is to match.
    For another index built the same way (the tickets' one): every word, an error code as
    a phrase."""
    if connection.vendor == "postgresql":
        codes, words, prefix, _ = _postgres_parts(parsed, False)
        return " | ".join(f"({part})" for part in (codes, words, prefix) if part) or None
    return _sqlite_match(parsed, False) or None


def count(parsed, *, tag=None):
    """Only the number of matches (what the home page's count line needs)."""
    return run(parsed, tag=tag, limit=0)[1]


def _page(ranked, order):
    """The documents of a ranked page (a subquery of ids and its sort keys, at most `limit`
    rows): joined to their rows only after the limit, so the body is read for those alone."""
    return (
        "SELECT d.id, d.kind, d.title, d.url, d.codes, substr(d.body, 1, %s), p.total "
        f"FROM ({ranked}) p JOIN search_searchdocument d ON d.id = p.id ORDER BY {order}"
    )


def _codes_first(codes, column):
    """SQL fragment (and params) that is 1 when the document declares one of `codes`."""
    if not codes:
        return "0", []
    sql = " OR ".join([f"(' ' || {column} || ' ') LIKE %s"] * len(codes))
    return f"CASE WHEN {sql} THEN 1 ELSE 0 END", [f"% {code} %" for code in codes]


def _code_words(code):
    """`email_not_verified` -> ["email", "not", "verified"]: both engines split on `_`."""
    return code.split("_")


def _groups(parsed):
    """The words to match (each with its alternatives), leaving out those of error codes."""
    return [(t.alternatives, t.prefix, t.completions) for t in parsed.terms if not t.in_code]


def _sqlite_match(parsed, match_any):
    def group(alternatives, prefix, completions):
        if prefix:
            # The unfinished word: as typed, a whole word anywhere ("error" finds bodies that
            # say it); as a prefix, in titles, codes and tags only: never a prefix scan of
            # bodies.
            whole = [f'"{w}"' for w in alternatives]
            heads = [f'"{w}"*' for w in alternatives] + [f'"{w}"' for w in completions]
            return f"({' OR '.join(whole)} OR {{title codes tags}} : ({' OR '.join(heads)}))"
        return "(" + " OR ".join(f'"{word}"' for word in alternatives) + ")"

    # An error code matches as a phrase anywhere (declaring documents are ordered first).
    codes = " OR ".join(_sqlite_phrase(code) for code in parsed.codes)
    words = (" OR " if match_any else " AND ").join(group(*g) for g in _groups(parsed))
    return " OR ".join(f"({part})" for part in (codes, words) if part)


def _sqlite_phrase(code):
    return '"' + " ".join(_code_words(code)) + '"'


def _sqlite(parsed, tag, limit, offset, match_any, excerpt):
    match = _sqlite_match(parsed, match_any)
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    # Only the FTS table unless a tag filter needs the document row: joining every match to
    # its (large) row costs more than ranking it.
    source, where, params = "search_fts", "search_fts MATCH %s", [match]
    if tag:
        source += " JOIN search_searchdocument d ON d.id = search_fts.rowid"
        where += " AND d.tag_slugs LIKE %s"
        params.append(f"% {tag} %")
    base = f"FROM {source} WHERE {where}"
    page = []
    with connection.cursor() as cursor:
        if limit:
            code_hit, code_params = "0", []
            if parsed.codes:
                # Documents declaring a code in the query: found through the index, listed first.
                phrases = " OR ".join(_sqlite_phrase(code) for code in parsed.codes)
                code_hit = (
                    "search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
                )
                code_params = [f"codes : ({phrases})"]
            # The total rides along (a window count): one pass over the matches, not two.
            # A level up from bm25(), which FTS5 refuses beside a window function.
            ranked = (
                "SELECT m.*, count(*) OVER () AS total FROM ("
                f"SELECT search_fts.rowid AS id, {code_hit} AS code_hit, "
                f"bm25(search_fts, {weights}) AS score {base}"
                ") m ORDER BY code_hit DESC, score, id LIMIT %s OFFSET %s"
            )
            cursor.execute(
                _page(ranked, "p.code_hit DESC, p.score, p.id"),
                [excerpt, *code_params, *params, limit, offset],
            )
            page = cursor.fetchall()
        total = _total(page, limit, offset)
        if total is None:
            cursor.execute(f"SELECT count(*) {base}", params)
            total = cursor.fetchone()[0]
    return [Found(*row[:6]) for row in page], total


def _total(page, limit, offset):
    """The window count riding on a page; 0 for an empty first page; None when only a count
    query can tell (no page asked for, or one past the last)."""
    if page:
        return page[0][-1]
    return 0 if limit and offset == 0 else None


def _postgres_parts(parsed, match_any):
    """(codes, words, prefix, typed) tsquery strings, each None when absent. `typed`: the
    unfinished word as typed, matched as a whole word anywhere."""
    # An error code matches as a phrase anywhere (declaring documents are ordered first).
    codes = " | ".join("(" + " <-> ".join(_code_words(code)) + ")" for code in parsed.codes)
    groups = _groups(parsed)
    whole = [g for g in groups if not g[1]]
    words = (" | " if match_any else " & ").join(
        "(" + " | ".join(map(_tsquery_word, alternatives)) + ")" for alternatives, _, _ in whole
    )
    prefix = " | ".join(
        " | ".join([*(_tsquery_word(w, prefix=True) for w in alternatives), *completions])
        for alternatives, is_prefix, completions in groups
        if is_prefix
    )
    typed = " | ".join(
        " | ".join(map(_tsquery_word, alternatives))
        for alternatives, is_prefix, _ in groups
        if is_prefix
    )
    return codes or None, words or None, prefix or None, typed or None


def _tsquery_word(word, prefix=False):
    """A word, or a phrase (a synonym such as "two factor"), as tsquery syntax. SQLite's FTS5
    takes a quoted phrase as it is."""
    parts = word.split()
    if prefix:
        parts[-1] += ":*"
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def _postgres(parsed, tag, limit, offset, match_any, excerpt):
    codes, words, prefix, typed = _postgres_parts(parsed, match_any)
    if match_any and words and prefix:
        words, prefix, typed = f"{words} | {prefix}", None, None
    # The unfinished word is matched as typed anywhere, and as a prefix in `head` (titles,
    # codes, tags) only: never a prefix scan of bodies. The tsqueries sit inline in WHERE so
    # the planner can use the GIN indexes.
    main, params = [], []
    if words:
        main.append("d.document @@ to_tsquery('english', %s)")
        params.append(words)
    if prefix:
        main.append(
            "(d.document @@ to_tsquery('english', %s) OR d.head @@ to_tsquery('english', %s))"
        )
        params += [typed, prefix]
    conditions = [" AND ".join(main)] if main else []
    if codes:
        conditions.insert(0, "d.document @@ to_tsquery('english', %s)")
        params.insert(0, codes)
    where = " OR ".join(f"({c})" for c in conditions)
    if tag:
        where = f"({where}) AND d.tag_slugs LIKE %s"
        params.append(f"% {tag} %")
    rank_query = " | ".join(f"({part})" for part in (codes, words, prefix, typed) if part)
    codes_sql, codes_params = _codes_first(parsed.codes, "d.codes")
    base = f"FROM search_searchdocument d WHERE {where}"
    if limit and not (codes or words):
        # Only an unfinished word: rank on the small head vector, not whole documents
        # (those matching in the body alone follow, in id order).
        # The total rides along (a window count): one scan of the matches, not two.
        ranked = (
            "SELECT d.id, count(*) OVER () AS total, "
            f"ts_rank(%s::float4[], d.head, to_tsquery('english', %s)) AS score {base} "
            "ORDER BY score DESC, d.id LIMIT %s OFFSET %s"
        )
        sql = _page(ranked, "p.score DESC, p.id")
        sql_params = [excerpt, TS_WEIGHTS, rank_query, *params, limit, offset]
    elif limit:
        sql = _page(
            _RANK_CANDIDATES.format(codes_sql=codes_sql, base=base),
            "p.exact DESC, p.code_hit DESC, p.score DESC NULLS LAST, p.head_score DESC, p.id",
        )
        sql_params = [
            excerpt,
            *codes_params,
            TS_WEIGHTS,
            rank_query,
            *params,
            max(CANDIDATES, offset + limit),
            CANDIDATES,
            TS_WEIGHTS,
            rank_query,
            limit,
            offset,
        ]
    else:
        sql, sql_params = f"SELECT count(*) {base}", params
    # Every query matches whole documents. The planner prices a sequential scan without the
    # cost of de-TOASTing every document's tsvector, and picks it over the GIN index: 55 ms
    # instead of 0.7 ms for a count at 10,000 documents (make bench-search). Off for this
    # statement only, sent with it in one round trip: in autocommit the statements of one
    # message share an implicit transaction; inside a transaction the last one puts the
    # setting back.
    sql = f"SET LOCAL enable_seqscan = off; {sql}; SET LOCAL enable_seqscan TO DEFAULT"
    with connection.cursor() as cursor:
        cursor.execute(sql, sql_params)
        cursor.nextset()
        rows = cursor.fetchall()
        if not limit:
            return [], rows[0][0]
        total = _total(rows, limit, offset)
        if total is None:
            return [], _postgres(parsed, tag, 0, 0, match_any, 0)[1]
    return [Found(*row[:6]) for row in rows], total


# Documents ranked with ts_rank over their whole tsvector, at most (PostgreSQL).
CANDIDATES = 500
# ts_rank over a document's tsvector de-TOASTs it (about 9 KB): 10 us a match, 330 ms for a
# word in 32,000 of 100,000 documents. So the matches are first ordered on the small, inline
# head vector (titles, codes, tags: what outweighs the body), and only the first CANDIDATES
# of that order are ranked on the whole document. Below CANDIDATES matches this is exactly
# the ranking of every match; above, documents matching in the body alone are taken in
# id order. Further pages keep one order: past CANDIDATES, the head order goes on.
_RANK_CANDIDATES = """
WITH matches AS (
    SELECT d.id, {codes_sql} AS code_hit,
        ts_rank(%s::float4[], d.head, to_tsquery('english', %s)) AS head_score,
        count(*) OVER () AS total
    {base}
    ORDER BY code_hit DESC, head_score DESC, d.id LIMIT %s
), numbered AS (
    SELECT m.*, row_number() OVER (ORDER BY code_hit DESC, head_score DESC, id) <= %s AS exact
    FROM matches m
)
SELECT n.id, n.total, n.exact, n.code_hit, n.head_score,
    CASE WHEN n.exact THEN ts_rank(%s::float4[], d.document, to_tsquery('english', %s)) END
        AS score
FROM numbered n JOIN search_searchdocument d ON d.id = n.id
ORDER BY n.exact DESC, n.code_hit DESC, score DESC NULLS LAST, n.head_score DESC, n.id
LIMIT %s OFFSET %s
"""
