"""The passages and their vectors: written when a document is indexed, and held in each
process as one matrix for the nearest-neighbour search (NumPy, on both engines: the
PostgreSQL here has no pgvector, and a dot product over 60,000 rows takes a few ms).

A write bumps a version number in the cache and notes which document it changed under that
number; a process whose matrix is a few versions behind fetches only those documents'
passages and splices them in (a save costs the next answer milliseconds, not a reload of
every vector); it loads the whole matrix again when a change is not noted (a rebuild, an
expired or evicted note, a cleared cache).
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
EPOCH_KEY = "answers:passages-epoch"
CHANGE_KEY = "answers:passages-change:{}:{}"  # epoch, number: the document it changed
CHANGE_TTL = 24 * 3600
MAX_SPLICED = 50  # versions behind from which a whole load is cheaper
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
    bump_version(document.pk)
    # Again once the save is committed: a process that read between the two saw the rows
    # as they were before it.
    transaction.on_commit(lambda: bump_version(document.pk))


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


def bump_version(document_id=None):
    """A new version of the passages; `document_id`: the only document it changed."""
    epoch = _epoch()
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:  # evicted since: start again, in a new epoch
        return bump_version(document_id)
    if document_id is not None:
        cache.set(CHANGE_KEY.format(epoch, version), document_id, CHANGE_TTL)
    return epoch, version


def current_version():
    """(epoch, number): the number counts writes; a new epoch begins whenever the counter
    is made again (a cleared cache), so a number is never taken for an earlier one."""
    epoch = _epoch()
    return epoch, cache.get(VERSION_KEY, 0)


def _epoch():
    if cache.add(VERSION_KEY, 0, None):
        cache.set(EPOCH_KEY, uuid.uuid4().hex, None)
    epoch = cache.get(EPOCH_KEY)
    if epoch is None:
        epoch = uuid.uuid4().hex
        cache.add(EPOCH_KEY, epoch, None)
        epoch = cache.get(EPOCH_KEY, epoch)
    return epoch


def changed_documents(since, until):
    """The documents changed after version `since` up to `until`, or None when a change in
    between is not noted (a rebuild, another epoch, an expired note: the whole matrix is
    loaded again)."""
    if since is None or since[0] != until[0] or not since[1] < until[1] <= since[1] + MAX_SPLICED:
        return None
    keys = [CHANGE_KEY.format(until[0], v) for v in range(since[1] + 1, until[1] + 1)]
    notes = cache.get_many(keys)
    if len(notes) != len(keys):
        return None
    return set(notes.values())


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
                changed = changed_documents(cached_version, version)
                index = cls.load() if changed is None else index.spliced(changed)
                cls._cached = (version, index)
        return index

    def spliced(self, documents):
        """This index with the passages of `documents` as they are now in the database."""
        fresh = self._rows(Passage.objects.filter(document_id__in=documents))
        if self.matrix is None:
            return fresh
        if fresh.matrix is None:
            fresh.matrix = np.empty((0, self.matrix.shape[1]), dtype=np.float32)
        keep = ~np.isin(self.documents, list(documents))
        return VectorIndex(
            np.concatenate([self.ids[keep], fresh.ids]),
            np.concatenate([self.documents[keep], fresh.documents]),
            np.concatenate([self.matrix[keep], fresh.matrix]),
        )

    @classmethod
    def load(cls):
        return cls._rows(Passage.objects.all())

    @classmethod
    def _rows(cls, passages):
        rows = passages.embedded_by(embedder().name).values_list("id", "document_id", "vector")
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
