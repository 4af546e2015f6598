"""The optional generative mode: an OpenAI-compatible chat endpoint writes the answer from
the retrieved public passages only (never tickets or anything personal), citing them; every
sentence it writes is checked against the passages it cites, unsupported ones are dropped,
and the extractive answer stands on a timeout, an error, or when nothing survives the check.
"""

import json
import logging
import re
import urllib.error
import urllib.request

from django.conf import settings

from answers.extract import Answer, Sentence, citation_for
from search.words import STOP_WORDS, WORD_RE

log = logging.getLogger(__name__)

PASSAGES = 4
MAX_SENTENCES = 4
# A written sentence is supported when its passage holds this share of its words (those
# that carry meaning), and every number it states.
MIN_SUPPORTED_WORDS = 0.8
CITED = re.compile(r"\s*\[(\d+)\]")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=\])\s+(?=[A-Z])")
NUMBER = re.compile(r"\d[\d,.]*")
NO_ANSWER = "NO_ANSWER"
SYSTEM = (
    "You answer customers' questions about a developer platform using ONLY the numbered "
    "passages given. Write at most three short sentences. End every sentence with the "
    "number of the passage it comes from in square brackets, like [1]. Do not add anything "
    f"the passages do not say. If they do not answer the question, reply {NO_ANSWER}."
)


def _prompt(q, passages):
    numbered = "\n\n".join(
        f"[{n}] {p.document.title}{' › ' + p.heading if p.heading else ''}\n{p.text}"
        for n, p in enumerate(passages, 1)
    )
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Passages:\n\n{numbered}\n\nQuestion: {q.text}"},
    ]


def _ask(messages):
    body = {
        "model": settings.ANSWERS_CHAT_MODEL,
        "messages": messages,
        "temperature": 0,
        "max_tokens": 300,
    }
    headers = {"Content-Type": "application/json"}
    if settings.ANSWERS_CHAT_KEY:
        headers["Authorization"] = f"Bearer {settings.ANSWERS_CHAT_KEY}"
    request = urllib.request.Request(
        settings.ANSWERS_CHAT_URL, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=settings.ANSWERS_CHAT_TIMEOUT) as response:  # noqa: S310
        data = json.loads(response.read(1_000_000))
    return data["choices"][0]["message"]["content"]


def _words(text):
    return {
        w[:6] for w in WORD_RE.findall(text.lower()) if w not in STOP_WORDS and len(w) > 2
    }  # the first six letters: "verified" and "verification" stay one word


def supported(sentence, passage_text):
    """Whether the passage says what the sentence says: most of its words, all its numbers."""
    words = _words(sentence)
    if not words:
        return False
    held = _words(passage_text)
    numbers = set(NUMBER.findall(sentence))
    if any(number.rstrip(".,") not in passage_text for number in numbers):
        return False
    return len(words & held) / len(words) >= MIN_SUPPORTED_WORDS


def parse(content, passages):
    """Sentences with their passage, only those cited and supported."""
    kept = []
    for piece in SENTENCE_END.split(content.strip()):
        cited = [int(n) for n in CITED.findall(piece)]
        text = CITED.sub("", piece).strip()
        if not text or not cited or len(kept) >= MAX_SENTENCES:
            continue
        valid = [n for n in cited if 1 <= n <= len(passages)]
        if not valid:
            continue
        passage = passages[valid[0] - 1]
        if supported(text, passage.text):
            kept.append((text, passage))
        else:
            log.info("Generative answer: dropped an unsupported sentence")
    return kept


def rewrite(q, candidates, *, fallback):
    """The generative Answer, or `fallback` (the extractive one)."""
    passages = [c.passage for c in candidates[:PASSAGES]]
    if not passages or not settings.ANSWERS_CHAT_URL:
        return fallback
    try:
        content = _ask(_prompt(q, passages))
    except (OSError, urllib.error.URLError, ValueError, KeyError, IndexError, TypeError):
        log.warning("Generative answer failed; the extractive answer is shown", exc_info=True)
        return fallback
    if not isinstance(content, str) or content.strip().startswith(NO_ANSWER):
        return fallback
    kept = parse(content, passages)
    if not kept:
        return fallback
    answer = Answer(mode="generative")
    index = {}
    for text, passage in kept:
        if passage.pk not in index:
            index[passage.pk] = len(answer.citations)
            answer.citations.append(citation_for(passage))
        answer.sentences.append(Sentence(text=text, citation=index[passage.pk]))
    return answer
