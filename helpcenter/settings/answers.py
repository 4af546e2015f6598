"""Direct answers (answers/): the embedder, the optional generative mode, the API's limit.

Everything works offline with the defaults: WordLlama's bundled static embeddings and
extractive answers (whole sentences quoted from the content). docs/developers/answers.md.
"""

import os

# "wordllama" (bundled, the default), "endpoint" (an OpenAI-compatible /embeddings URL
# below), or the dotted path of a class of your own (`name`, `embed(texts)`). After a
# change, run `manage.py rebuild_search_index`.
ANSWERS_EMBEDDER = os.environ.get("ANSWERS_EMBEDDER", "wordllama")
ANSWERS_EMBEDDING_DIMENSIONS = int(os.environ.get("ANSWERS_EMBEDDING_DIMENSIONS", "256"))
ANSWERS_EMBEDDINGS_URL = os.environ.get("ANSWERS_EMBEDDINGS_URL", "")
ANSWERS_EMBEDDINGS_MODEL = os.environ.get("ANSWERS_EMBEDDINGS_MODEL", "")
ANSWERS_EMBEDDINGS_KEY = os.environ.get("ANSWERS_EMBEDDINGS_KEY", "")
ANSWERS_EMBEDDINGS_TIMEOUT = float(os.environ.get("ANSWERS_EMBEDDINGS_TIMEOUT", "10"))

# Generative mode: any OpenAI-compatible chat completions endpoint (the full URL, e.g.
# http://127.0.0.1:8080/v1/chat/completions). Empty: extractive answers only. The model sees
# only the public passages retrieved; every sentence it writes is checked against the
# passages it cites, and the extractive answer is shown on a timeout, an error or a failed
# check.
ANSWERS_CHAT_URL = os.environ.get("ANSWERS_CHAT_URL", "")
ANSWERS_CHAT_MODEL = os.environ.get("ANSWERS_CHAT_MODEL", "")
ANSWERS_CHAT_KEY = os.environ.get("ANSWERS_CHAT_KEY", "")
ANSWERS_CHAT_TIMEOUT = float(os.environ.get("ANSWERS_CHAT_TIMEOUT", "4"))

# GET /api/answers/: requests per client address (anonymous repeats come from the page
# cache and are not counted).
ANSWERS_API_RATE = os.environ.get("ANSWERS_API_RATE", "60/m")
