"""Search benchmark: synthetic help corpora, indexed on the engine DATABASE_URL selects.

    make bench-search                       # SQLite, 10,000 and 100,000 documents
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench-search
    BENCH_SIZES=10000 make bench-search     # one size only

Prints build time, index size and server-side latency of search() for: keyword query with
snippets, as-you-type prefix, error code, typo, and the count alone. Each kind runs
BENCH_REPEATS rounds (default 5) of 200 queries, every query different (new ones each round,
so no cache of a previous round can answer), after warm-up queries that are not timed.
p50 and p95 are the medians over the rounds of each round's p50 and p95; the spread of the
rounds' p95 is printed beside them (the machine may be shared). Also compares typo lookup
with SymSpell against difflib. A benchmark, not a test: nothing here fails on a time.
"""

import difflib
import os
import random
import statistics
import time
import warnings

from benchmarks._setup import django_with_test_database, summarize

ROUNDS = 200  # queries per kind and round
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
WARM_UP = 10
SEED = 20261125
CODES = [
    "billing_required", "email_not_verified", "model_not_available", "invite_expired",
    "session_revoked", "insufficient_role", "stream_interrupted", "context_length_exceeded",
    "invalid_api_key", "rate_limited", "quota_exceeded", "provider_unavailable",
] + [f"synthetic_error_{n}" for n in range(40)]  # fmt: skip
DOMAIN = [
    "api",
    "key",
    "token",
    "billing",
    "invoice",
    "quota",
    "usage",
    "stream",
    "streaming",
    "model",
    "provider",
    "router",
    "workspace",
    "invite",
    "role",
    "member",
    "owner",
    "admin",
    "login",
    "password",
    "verification",
    "email",
    "session",
    "request",
    "response",
    "header",
    "latency",
    "timeout",
    "retry",
    "webhook",
    "export",
    "dashboard",
    "settings",
    "authentication",
    "authorization",
    "permission",
    "scope",
    "limit",
    "plan",
    "upgrade",
    "payment",
    "error",
]


def vocabulary(rng, size=30_000):
    syllables = ["ka", "lo", "mi", "ne", "ra", "to", "su", "vi", "de", "an", "or", "el", "is"]
    words = set(DOMAIN)
    while len(words) < size:
        words.add("".join(rng.choices(syllables, k=rng.randint(2, 5))))
    words = sorted(words)
    rng.shuffle(words)
    weights = [1 / (rank + 1) ** 1.05 for rank in range(len(words))]  # Zipf-like
    return words, weights


SECTIONS = 6  # headings per guide: its text cut in that many parts


def generate(n, rng, words, weights):
    from search.models import SearchDocument, SearchSection

    cumulative = []
    total = 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    kinds = ["guide", "runbook", "faq"]
    for start in range(0, n, 1000):
        batch = []
        for i in range(start, min(n, start + 1000)):
            length = rng.randint(300, 1500)
            body = " ".join(rng.choices(words, cum_weights=cumulative, k=length))
            codes = " ".join(rng.sample(CODES, 2)) if i % 10 == 0 else ""
            if codes:
                body += f" The error {codes.split()[0]} means the request was refused."
            title = " ".join(rng.choices(words[:3000], k=rng.randint(3, 8))).capitalize()
            batch.append(
                SearchDocument(
                    kind=kinds[i % 3], object_id=i + 1, url=f"/kb/doc-{i}/", title=title,
                    codes=codes, tags=" ".join(rng.sample(DOMAIN, 2)), tag_slugs="", body=body,
                )
            )  # fmt: skip
        SearchDocument.objects.bulk_create(batch)
        # A record per heading of each guide, as search.documents makes them (their own
        # generator: the documents stay the same as before sections existed).
        heads = random.Random(SEED + start)
        sections = []
        for doc in batch:
            if doc.kind != "guide":
                continue
            body = doc.body.split()
            size = len(body) // SECTIONS + 1
            for p in range(SECTIONS):
                heading = " ".join(heads.choices(words[:3000], k=3)).capitalize()
                sections.append(
                    SearchSection(
                        document=doc, position=p, anchor=f"section-{p}", heading=heading,
                        text=" ".join(body[p * size : (p + 1) * size]),
                    )
                )  # fmt: skip
        SearchSection.objects.bulk_create(sections, batch_size=1000)


def index_size():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('search_searchdocument')")
        else:
            cursor.execute("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")
        return cursor.fetchone()[0]


def timed(fn, rounds):
    """(p50, p95, lowest p95, highest p95) over `rounds[1:]`; rounds[0] only warms up."""
    for value in rounds[0][:WARM_UP]:
        fn(value)
    figures = []
    for inputs in rounds[1:]:
        samples = []
        for value in inputs:
            start = time.perf_counter()
            fn(value)
            samples.append((time.perf_counter() - start) * 1000)
        figures.append(summarize(samples))
    p95s = [p95 for _, p95 in figures]
    return (
        statistics.median(p50 for p50, _ in figures),
        statistics.median(p95s),
        min(p95s),
        max(p95s),
    )


def queries(rng, mid):
    """One round: 200 different queries of each kind."""
    keyword = [" ".join(rng.sample(mid, 2)) for _ in range(ROUNDS)]
    prefixes = [w[: rng.randint(3, 5)] for w in rng.sample(mid, ROUNDS)]
    codes = [rng.choice(CODES) for _ in range(ROUNDS)]
    typos = []
    for w in rng.sample(mid, ROUNDS):
        i = rng.randrange(1, len(w) - 1)
        typos.append(w[:i] + w[i + 1 :])
    return keyword, prefixes, codes, typos


def run_size(n, rng, words, weights):
    from search import engine
    from search.documents import bump_version
    from search.models import SearchDocument
    from search.query import Vocabulary, parse
    from search.services import search

    SearchDocument.objects.all().delete()
    before = index_size()
    start = time.perf_counter()
    generate(n, rng, words, weights)
    build = time.perf_counter() - start
    size_mb = (index_size() - before) / 1e6
    bump_version()
    start = time.perf_counter()
    vocabulary = Vocabulary.current()
    vocab_s = time.perf_counter() - start

    mid = [w for w in words[200:5000] if len(w) >= 6]
    # Queries from their own generator: the corpora stay the same whatever BENCH_REPEATS is.
    query_rng = random.Random(SEED + n)
    keyword, prefixes, codes, typos = zip(
        *(queries(query_rng, mid) for _ in range(1 + REPEATS)), strict=True
    )
    counted = [[parse(q, as_you_type=False) for q in round_] for round_ in keyword]

    rows = [
        ("keyword + snippets", timed(lambda q: search(q, as_you_type=False), keyword)),
        ("as-you-type prefix", timed(lambda q: search(q, per_page=12), prefixes)),
        ("error code", timed(lambda q: search(q, as_you_type=False), codes)),
        ("typo", timed(lambda q: search(q, as_you_type=False), typos)),
        ("count only", timed(lambda p: engine.count(p), counted)),
        ("typo lookup: SymSpell", timed(vocabulary.correct, [t[:50] for t in typos])),
        (
            "typo lookup: difflib",
            timed(
                lambda w: difflib.get_close_matches(w, vocabulary.sorted_words, 1),
                [typos[0][:1], typos[1][:20]],
            ),
        ),
    ]
    print(f"\n{n:,} documents: built in {build:.1f} s, index {size_mb:.0f} MB, "
          f"typo vocabulary ({len(vocabulary.counts):,} words) {vocab_s:.1f} s")  # fmt: skip
    print(f"  {'query':<24}{'p50 ms':>10}{'p95 ms':>10}   p95 of each round")
    for name, (p50, p95, low, high) in rows:
        print(f"  {name:<24}{p50:>10.2f}{p95:>10.2f}   {low:.2f} to {high:.2f}")


def main():
    warnings.filterwarnings("ignore", message="No directory at")
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
    teardown = django_with_test_database()
    try:
        from django.db import connection

        print(
            f"engine: {connection.vendor}; {REPEATS} rounds of {ROUNDS} different queries "
            "per kind; p50 and p95 are medians over the rounds"
        )
        rng = random.Random(SEED)
        words, weights = vocabulary(rng)
        for n in sizes:
            run_size(n, rng, words, weights)
    finally:
        teardown()


if __name__ == "__main__":
    main()
