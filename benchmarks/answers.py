"""Answers benchmark: a direct answer at 10,000 documents (60,000 passages), on the engine
DATABASE_URL selects.

    make bench-answers                      # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hc_bench make bench-answers
    BENCH_SIZES=2000 make bench-answers     # another size

Prints the index build (documents, passages with their vectors), the vector matrix's load
time and memory, the latency of answer() (retrieval, extraction, refusal) over 200
different questions per round (p50 and p95 are medians over BENCH_REPEATS rounds), and
the cost a save adds: writing one document's passages, and the first answer after it (each
process splices that document's passages into its matrix). A benchmark, not a test:
nothing fails on a time.
"""

import os
import random
import statistics
import time
import tracemalloc
import warnings

from benchmarks._setup import django_with_test_database, summarize
from benchmarks.search import SEED, generate, vocabulary

PASSAGES_PER_DOCUMENT = 6
ROUNDS = 200
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
STARTS = ["how do I", "why does my", "what is the", "can I change the", "where do I find"]


def passages(n_docs):
    """Six passages a document (its body cut in six), with their vectors, as answers.index
    writes them; returns seconds spent embedding and writing."""
    from answers.embedding import embedder
    from answers.index import bump_version
    from answers.models import VECTOR_DTYPE, Passage
    from search.models import SearchDocument

    model = embedder()
    embed_s = write_s = 0.0
    rows = SearchDocument.objects.values_list("pk", "title", "body").order_by("pk")
    batch = []
    for pk, title, body in rows.iterator(chunk_size=1000):
        words = body.split()
        size = len(words) // PASSAGES_PER_DOCUMENT + 1
        for p in range(PASSAGES_PER_DOCUMENT):
            text = " ".join(words[p * size : (p + 1) * size])
            batch.append((pk, p, f"Section {p}", text, f"{title}. Section {p}. {text}"))
        if len(batch) >= 3000:
            e, w = _write(batch, model, Passage, VECTOR_DTYPE)
            embed_s, write_s, batch = embed_s + e, write_s + w, []
    if batch:
        e, w = _write(batch, model, Passage, VECTOR_DTYPE)
        embed_s, write_s = embed_s + e, write_s + w
    bump_version()
    return embed_s, write_s


def _write(batch, model, Passage, dtype):
    start = time.perf_counter()
    vectors = model.embed([row[4] for row in batch])
    embedded = time.perf_counter()
    Passage.objects.bulk_create(
        [
            Passage(
                document_id=pk, position=p, anchor=f"section-{p}", heading=heading, text=text,
                vector=vector.astype(dtype).tobytes(), embedder=model.name,
            )
            for (pk, p, heading, text, _), vector in zip(batch, vectors, strict=True)
        ],
        batch_size=1000,
    )  # fmt: skip
    return embedded - start, time.perf_counter() - embedded


class _Saved:
    """A content row as answers.index sees one: its passages."""

    def __init__(self, texts):
        self.texts = texts

    def answer_passages(self):
        from core.content import Passage

        return [Passage(f"s-{n}", f"Section {n}", t) for n, t in enumerate(self.texts)]


def run_size(n, rng, words, weights):
    from answers.index import VectorIndex, index_document
    from answers.services import answer
    from search.documents import bump_version
    from search.models import SearchDocument
    from search.query import Vocabulary

    SearchDocument.objects.all().delete()
    start = time.perf_counter()
    generate(n, rng, words, weights)
    docs_s = time.perf_counter() - start
    embed_s, write_s = passages(n)
    bump_version()
    Vocabulary.current()
    tracemalloc.start()
    start = time.perf_counter()
    index = VectorIndex.current()
    load_s = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    matrix_mb = index.matrix.nbytes / 1e6

    mid = [w for w in words[200:5000] if len(w) >= 5]
    qrng = random.Random(SEED + 7 * n)
    rounds = [
        [f"{qrng.choice(STARTS)} {' '.join(qrng.sample(mid, qrng.randint(2, 3)))}"
         for _ in range(ROUNDS)]
        for _ in range(1 + REPEATS)
    ]  # fmt: skip
    for question in rounds[0][:10]:
        answer(question)
    figures, answered = [], 0
    for questions in rounds[1:]:
        samples = []
        for question in questions:
            t = time.perf_counter()
            reply = answer(question)
            samples.append((time.perf_counter() - t) * 1000)
            answered += reply.answer is not None
        figures.append(summarize(samples))
    p50 = statistics.median(f[0] for f in figures)
    p95s = [f[1] for f in figures]

    # The cost of a save: one document's six passages written (in the save's transaction),
    # then the first answer after it, which splices them into this process's matrix.
    document = SearchDocument.objects.order_by("pk").first()
    saved = _Saved([" ".join(qrng.sample(mid, 120)) for _ in range(PASSAGES_PER_DOCUMENT)])
    save_ms, first_ms, warm_ms = [], [], []
    for question in rounds[1][:5]:
        t = time.perf_counter()
        index_document(document, saved)
        save_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        answer(question)
        first_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        answer(question)
        warm_ms.append((time.perf_counter() - t) * 1000)

    print(
        f"\n{n:,} documents, {len(index):,} passages: documents and full-text index "
        f"{docs_s:.1f} s; passages embedded in {embed_s:.1f} s and written in {write_s:.1f} s"
    )
    print(
        f"  vector matrix: loaded in {load_s:.2f} s, {matrix_mb:.0f} MB as float32 "
        f"(peak {peak / 1e6:.0f} MB while loading; stored as float16 bytes)"
    )
    print(
        f"  answer(): p50 {p50:.1f} ms, p95 {statistics.median(p95s):.1f} ms "
        f"(p95 of each round {min(p95s):.1f} to {max(p95s):.1f}); "
        f"{answered} of {REPEATS * ROUNDS} synthetic questions answered"
    )
    print(
        f"  a save: passages written in {statistics.median(save_ms):.1f} ms; the next answer "
        f"{statistics.median(first_ms):.1f} ms (its passages spliced into the matrix) against "
        f"{statistics.median(warm_ms):.1f} ms warm"
    )


def main():
    warnings.filterwarnings("ignore", message="No directory at")
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000").split(",")]
    teardown = django_with_test_database()
    try:
        from django.db import connection

        from answers.embedding import embedder

        print(
            f"engine: {connection.vendor}; embedder {embedder().name}; {REPEATS} rounds of "
            f"{ROUNDS} different questions; p50 and p95 are medians over the rounds"
        )
        rng = random.Random(SEED)
        words, weights = vocabulary(rng)
        for n in sizes:
            run_size(n, rng, words, weights)
    finally:
        teardown()


if __name__ == "__main__":
    main()
