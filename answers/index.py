"""The passages and their vectors: written when a document is indexed, and held in each
process as one matrix for the nearest-neighbour search (NumPy, on both engines: the
PostgreSQL here has no pgvector, and a dot product over 60,000 rows takes a few ms).

A write bumps a version token in the cache; each process loads the matrix again when the
token it built from is no longer current (as search's typo vocabulary does).
"""

import threading
import uuid

import numpy as np
from django.core.cache import cache
from django.db import transaction

from answers.embedding import embedder
from answers.models import VECTOR_DTYPE, Passage
from core.content import indexed_models
from search.models import SearchDocument

VERSION_KEY = "answers:passages-version"
BATCH = 512


def embedded_text(title, passage):
    """What a passage's vector is made from: its text in the context of its page."""
    return (
        f"{title}. {passage.heading}. {passage.text}"
        if passage.heading
        else (f"{title}. {passage.text}")
    )


def _rows(document, passages, vectors, name):
    return [
        Passage(
            document=document,
            position=n,
            anchor=p.anchor[:200],
            heading=p.heading[:300],
            text=p.text,
            vector=vector.astype(VECTOR_DTYPE).tobytes(),
            embedder=name,
        )
        for n, (p, vector) in enumerate(zip(passages, vectors, strict=True))
    ]


def index_document(document, obj):
    """The passages of one indexed row, in step with its search document."""
    Passage.objects.filter(document=document).delete()
    passages = obj.answer_passages()
    if passages:
        model = embedder()
        vectors = model.embed([embedded_text(document.title, p) for p in passages])
        Passage.objects.bulk_create(_rows(document, passages, vectors, model.name))
    bump_version()


def rebuild():
    """Every passage again, from the content (after the search index was made again, or a
    change of embedder). Returns the number of passages."""
    model = embedder()
    documents = {
        (kind, object_id): (pk, title)
        for pk, kind, object_id, title in SearchDocument.objects.values_list(
            "pk", "kind", "object_id", "title"
        )
    }
    count = 0
    pending = []  # (document id, position, title, passage)

    def flush():
        vectors = model.embed([embedded_text(title, p) for _, _, title, p in pending])
        Passage.objects.bulk_create(
            [
                Passage(
                    document_id=doc,
                    position=position,
                    anchor=passage.anchor[:200],
                    heading=passage.heading[:300],
                    text=passage.text,
                    vector=vector.astype(VECTOR_DTYPE).tobytes(),
                    embedder=model.name,
                )
                for (doc, position, _, passage), vector in zip(pending, vectors, strict=True)
            ],
            batch_size=500,
        )
        pending.clear()

    with transaction.atomic():
        Passage.objects.all().delete()
        for content_model in indexed_models():
            queryset = content_model.search_public().prefetch_related(
                *content_model.search_prefetch
            )
            for obj in queryset.iterator(chunk_size=500):
                found = documents.get((content_model.search_kind, obj.pk))
                if found is None:
                    continue
                for n, passage in enumerate(obj.answer_passages()):
                    pending.append((found[0], n, found[1], passage))
                    count += 1
                if len(pending) >= BATCH:
                    flush()
        if pending:
            flush()
    bump_version()
    return count


def bump_version():
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def current_version():
    return cache.get_or_set(VERSION_KEY, uuid.uuid4().hex, None)


class VectorIndex:
    """Every passage's vector, as one unit-length float32 matrix, with the passages' ids and
    their documents' ids in the same order."""

    _lock = threading.Lock()
    _cached = (None, None)

    def __init__(self, ids, documents, matrix):
        self.ids, self.documents, self.matrix = ids, documents, matrix

    @classmethod
    def current(cls):
        version = current_version()
        with cls._lock:
            cached_version, index = cls._cached
            if cached_version != version:
                index = cls.load()
                cls._cached = (version, index)
        return index

    @classmethod
    def load(cls):
        rows = Passage.objects.embedded_by(embedder().name).values_list(
            "id", "document_id", "vector"
        )
        ids, documents, vectors = [], [], []
        for pk, document, vector in rows.iterator(chunk_size=2000):
            ids.append(pk)
            documents.append(document)
            vectors.append(bytes(vector))
        if not vectors:
            return cls(np.array([], dtype=np.int64), np.array([], dtype=np.int64), None)
        matrix = np.frombuffer(b"".join(vectors), dtype=VECTOR_DTYPE).reshape(len(ids), -1)
        return cls(np.array(ids), np.array(documents), matrix.astype(np.float32))

    def __len__(self):
        return len(self.ids)

    def nearest(self, vector, k):
        """[(passage id, cosine)] of the k passages nearest to `vector`, nearest first."""
        if self.matrix is None or not len(self.ids):
            return []
        scores = self.matrix @ vector
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self.ids[i]), float(scores[i])) for i in top]
