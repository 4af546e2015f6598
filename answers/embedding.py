"""Text to vectors, offline: the embedder the answers' semantic retrieval uses.

The default is WordLlama's "l2_supercat" static token embeddings (MIT; 256 dimensions, 16 MB,
the weights ship inside the `wordllama` wheel): a text's vector is the mean of its tokens'
vectors, so embedding costs a table look-up, no neural network, and nothing is downloaded at
run time. docs/developers/answers.md compares it with the alternatives measured.

The files are read with `tokenizers` and `safetensors` (wordllama's own dependencies) rather
than `WordLlama.load()`: in wordllama 0.4.0 the loader looks for the bundled tokenizer in
the wrong folder and downloads it from Hugging Face, which fails offline, and importing its
inference module reconfigures the root logger.

An operator may choose another embedder in settings (ANSWERS_EMBEDDER): any OpenAI-compatible
embeddings endpoint, or a class of their own with `name`, `dimensions` and `embed(texts)`.
Vectors remember the embedder that made them; `manage.py rebuild_search_index` makes them again
after a change.
"""

import functools
import json
import threading
import urllib.request
from importlib import import_module, resources

import numpy as np
from django.conf import settings

WORDLLAMA_WEIGHTS = "weights/l2_supercat_256.safetensors"
WORDLLAMA_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
MAX_TOKENS = 512  # of one text: the mean of a long section's first 512 tokens is its gist


def normalized(vectors):
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


class WordLlamaEmbedder:
    def __init__(self, dimensions=256):
        from safetensors import safe_open
        from tokenizers import Tokenizer

        package = resources.files("wordllama")
        self.tokenizer = Tokenizer.from_file(str(package / WORDLLAMA_TOKENIZER))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        with safe_open(str(package / WORDLLAMA_WEIGHTS), framework="np") as f:
            table = f.get_tensor("embedding.weight")[:, :dimensions]
        self.table = np.ascontiguousarray(table, dtype=np.float32)
        self.dimensions = dimensions
        self.name = f"wordllama-l2-supercat-{dimensions}"

    def token_ids(self, texts):
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [encoding.ids[:MAX_TOKENS] for encoding in encodings]

    def embed(self, texts):
        """Unit vectors (len(texts) x dimensions, float32), one per text."""
        ids = self.token_ids(texts)
        lengths = np.array([max(len(i), 1) for i in ids])
        flat = np.fromiter((t for i in ids for t in (i or [0])), dtype=np.int64)
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        sums = np.add.reduceat(self.table[flat], starts, axis=0) if len(flat) else None
        if sums is None:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        means = sums / lengths[:, None]
        means[[not i for i in ids]] = 0
        return normalized(means)


class EndpointEmbedder:
    """Any OpenAI-compatible `POST /embeddings` (a local server, or a hosted one)."""

    def __init__(self, *, url, model, key="", timeout=10, dimensions=None):
        self.url, self.model, self.key, self.timeout = url, model, key, timeout
        self.name = f"endpoint:{model}"[:100]
        self.dimensions = dimensions

    def embed(self, texts):
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimensions or 0), dtype=np.float32)
        body = json.dumps({"model": self.model, "input": texts}).encode()
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            data = json.loads(response.read())["data"]
        vectors = [row["embedding"] for row in sorted(data, key=lambda row: row["index"])]
        return normalized(vectors)


_lock = threading.Lock()


@functools.cache
def _load(choice):
    if choice == "wordllama":
        return WordLlamaEmbedder(settings.ANSWERS_EMBEDDING_DIMENSIONS)
    if choice == "endpoint":
        return EndpointEmbedder(
            url=settings.ANSWERS_EMBEDDINGS_URL,
            model=settings.ANSWERS_EMBEDDINGS_MODEL,
            key=settings.ANSWERS_EMBEDDINGS_KEY,
            timeout=settings.ANSWERS_EMBEDDINGS_TIMEOUT,
        )
    module, _, name = choice.rpartition(".")
    return getattr(import_module(module), name)()


def embedder():
    """The embedder in use (loaded once per process: 0.1 s for the default)."""
    with _lock:
        return _load(settings.ANSWERS_EMBEDDER)
