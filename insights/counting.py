"""Which searches and opened results count (Content gaps and the dashboard): people's.

Searching and opening a result are GET requests, which crawlers, link previews, mail link
scanners and browser prefetches make too, and which anyone can script. Only a request that
looks like a person's browser counts, and at most COUNT_RATE of them per client address; the
search and the redirect themselves work the same for everyone.
"""

import functools
import logging
import re

from django.db import DatabaseError
from django_ratelimit.core import get_usage

from core.web.pagecache import repeat_on_cache_hits
from insights import recording
from insights.models import AnswerEvent, SearchQuery

log = logging.getLogger(__name__)
COUNT_RATE = "60/h"  # searches and opens together; a person rarely sends half as many

# Crawlers, link previews (chat and social apps), mail link scanners, monitors, scripts and
# headless browsers. Every browser a person uses starts "Mozilla/5.0 (" and has none of these.
NOT_A_PERSON = re.compile(
    r"bot|crawl|spider|slurp|scan|preview|fetch|monitor|check|headless|lighthouse|http|"
    r"python|curl|wget|java|okhttp|axios|node|ruby|perl|php|facebookexternalhit|embedly|"
    r"whatsapp|skype|outlook|proofpoint|mimecast|barracuda|safelinks",
    re.IGNORECASE,
)
# Chrome's speculation rules and link prefetch, Firefox, Safari's previews.
SPECULATIVE = ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")


def is_a_person(request):
    agent = request.headers.get("User-Agent", "")
    if not agent.startswith("Mozilla/5.0 (") or NOT_A_PERSON.search(agent):
        return False
    purposes = " ".join(request.headers.get(name, "") for name in SPECULATIVE).lower()
    return "prefetch" not in purposes and "preview" not in purposes


def _counts(request):
    if not is_a_person(request):
        return False
    usage = get_usage(request, group="search:count", key="ip", rate=COUNT_RATE, increment=True)
    return not (usage and usage["should_limit"])


def never_in_the_way(function, what=None):
    """A search (or a ticket) goes on if the dashboard's counting fails (each record is its
    own transaction, so nothing of the sender's is undone); the failure is logged."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            function(*args, **kwargs)
        except DatabaseError:
            log.exception("Insights: could not record %s", what or function.__name__)

    return wrapper


def count_search(request, *, query, total, tag=None):
    """A search that someone sent (not each keystroke of a live search). Counted again each
    time the same results are served from the page cache."""
    repeat_on_cache_hits(request, count_search, query=query, total=total, tag=tag)
    if _counts(request) and (text := SearchQuery.record(query, total=total, tag=tag)):
        never_in_the_way(recording.record_search, "a search")(text=text, total=total)


def count_open(request, *, query):
    """A result opened from the results of `query`."""
    if _counts(request) and (text := SearchQuery.record_open(query)):
        never_in_the_way(recording.record_open, "an opened result")(text=text)


def count_answer(request, *, query, answered, citation, search_total):
    """A question sent and answered (or refused); counted again on page-cache hits. A refused
    question is also a content gap (SearchQuery) when its search found pages (one that found
    nothing is counted as a gap by the search already)."""
    repeat_on_cache_hits(
        request,
        count_answer,
        query=query,
        answered=answered,
        citation=citation,
        search_total=search_total,
    )
    if not _counts(request):
        return
    never_in_the_way(AnswerEvent.record, "an answer")(
        text=query, answered=answered, citation=citation
    )
    if not answered and search_total:
        never_in_the_way(SearchQuery.record, "a refused question")(query.lower(), total=0)
