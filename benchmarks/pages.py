"""Server-side render time and SQL query count of the main pages, by corpus size.

    make bench            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench

Prints medians and p95 over repeated requests through Django's test client (no network),
with the shipped guides, then 300 and 3,000 published guides.
A benchmark, not a test: nothing here fails on a time.
"""

import time
import warnings

from benchmarks._setup import ROOT, django_with_test_database, summarize

SIZES = (0, 300, 3000)  # 0: the shipped content only
ROUNDS = 40


def grow_to(size):
    from kb.models import Guide, PublishState, Tag

    tags = [Tag.objects.get_or_create(slug=s, defaults={"name": s})[0] for s in ("auth", "billing")]
    existing = Guide.objects.count()
    body = "## Section\n\nSome *body* text about tokens and keys.\n\n" * 20
    for n in range(existing, size):
        guide = Guide.objects.create(
            title=f"Synthetic guide {n}",
            slug=f"synthetic-{n}",
            summary=f"Synthetic summary {n}.",
            body=body,
            status=PublishState.PUBLISHED,
            order=1000 + n,
        )
        guide.tags.set(tags[: 1 + n % 2])


def measure(client, path, **headers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples = []
    with CaptureQueriesContext(connection) as queries:
        client.get(path, **headers)
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(path, **headers)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return (*summarize(samples), len(queries.captured_queries))


def main():
    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic needed
    teardown = django_with_test_database()
    try:
        from django.core.cache import cache
        from django.db import connection
        from django.test import Client

        from editorial.importer import import_content
        from kb.models import Guide

        import_content(ROOT / "content")
        cache.clear()
        client = Client(HTTP_HOST="127.0.0.1")
        pages = [
            ("home", "/", {}),
            ("home search (htmx)", "/?q=token", {"HTTP_HX_REQUEST": "true"}),
            ("home tag filter", "/?tag=billing", {}),
            ("guide", "/kb/authentication-and-security/", {}),
            ("runbook", "/runbooks/cannot-sign-in/", {}),
        ]
        print(f"engine: {connection.vendor}; {ROUNDS} requests per figure; times in ms")
        print(f"{'page':<22}{'guides':>8}{'median':>10}{'p95':>10}{'queries':>9}")
        baseline = {}
        for size in SIZES:
            grow_to(size)
            size = Guide.objects.count()
            for name, path, headers in pages:
                median, p95, count = measure(client, path, **headers)
                baseline.setdefault(name, median)
                ratio = median / baseline[name]
                print(
                    f"{name:<22}{size:>8}{median:>10.2f}{p95:>10.2f}{count:>9}"
                    f"   x{ratio:.2f} vs shipped"
                )
    finally:
        teardown()


if __name__ == "__main__":
    main()
