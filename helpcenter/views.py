import logging
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import replace_url

from answers.events import announce_answer
from answers.services import Reply, answer
from kb.models import FAQEntry, Guide, PageBlock, Tag
from runbooks.models import Runbook
from search.events import announce_search
from search.forms import SearchForm
from search.services import search

log = logging.getLogger(__name__)
HOME_HITS = 12
# Searches and result opens are GET requests that count in Content gaps (and the ticket
# form's suggestion opens in its deflection rate): crawlers are asked to leave them alone.
ROBOTS_TXT = """User-agent: *
Disallow: /search/
Disallow: /?q=
Disallow: /support/suggestions/
"""


@require_GET
# The search is counted only when sent (HX-Search-Submitted): a browser must not answer a
# sent search from the copy it kept of the same search made while typing.
@vary_on_headers("HX-Request", "HX-Search-Submitted")
def home(request):
    form = SearchForm(request.GET)
    query, tag_slug = form.query, form.tag_slug
    results = search(query, tag=tag_slug or None, per_page=HOME_HITS, exact=form.is_exact)
    reply = Reply(query=query)
    if results.is_browse:
        guides = list(Guide.objects.published().tagged(tag_slug).for_listing())
        result_count = len(guides)
    else:
        guides, result_count = [], results.total
        reply = answer(query)
        # What was sent, not each request made while typing.
        if not request.htmx or request.headers.get("HX-Search-Submitted") == "true":
            announce_search(request, query=results.query, total=results.own_total, tag=tag_slug)
            if reply.attempted:
                announce_answer(request, reply=reply, search_total=results.own_total)
    context = {
        "form": form,
        "query": query,
        "active_tag": tag_slug,
        "guides": guides,
        "results": results,
        "reply": reply,
        "result_count": result_count,
        "tags": Tag.objects.filter(guides__status="published").distinct(),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = TemplateResponse(request, "helpcenter/home.html#kb-results", context)
        # Typing replaces the address (one history entry, whatever was typed): Back leaves
        # the page instead of walking through each pause in typing, whose reloads would each
        # count as a sent search. The address is the search's own, without htmx's
        # cache-buster or an empty tag, so a reload or a shared link shows the same results.
        return replace_url(response, _search_url(query, tag_slug, form.is_exact))
    context.update(
        blocks=PageBlock.as_dict(),
        runbooks=Runbook.objects.published().for_listing(),
        faq_entries=FAQEntry.objects.all(),
        # The entry a link opens (search results link to `?faq=<slug>#faq-<slug>`): without
        # JavaScript the browser scrolls to a folded entry and leaves its answer hidden.
        open_faq=request.GET.get("faq", ""),
    )
    return TemplateResponse(request, "helpcenter/home.html", context)


def _search_url(query, tag_slug, exact=False):
    pairs = (("q", query), ("tag", tag_slug), ("exact", "1" if exact else ""))
    params = {name: value for name, value in pairs if value}
    return reverse("home") + (f"?{urlencode(params)}" if params else "")


def rate_limited(request, exception=None):
    response = TemplateResponse(request, "429.html", {"retry_after": 60}, status=429)
    response["Retry-After"] = "60"
    return response


@require_GET
def robots_txt(request):
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def form_token(request):
    """The CSRF field of a form on a cached page, which holds no visitor's token: htmx fetches
    it when the page loads (templates/helpcenter/_form_token.html). Never cached."""
    return TemplateResponse(request, "helpcenter/form_token.html")


# --------------------------------------------------------------------------- health


@never_cache
@require_safe
def healthz(request):
    """The process answers (liveness): no database, no cache."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def readyz(request):
    """The database and the caches answer (readiness): 503 naming what does not."""
    failing = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        log.exception("Readiness: the database does not answer")
        failing.append("database")
    probe = f"readyz:{secrets.token_hex(8)}"
    for alias in dict.fromkeys(("default", settings.PAGE_CACHE_ALIAS)):
        try:
            cache = caches[alias]
            cache.set(probe, 1, 10)
            answered = cache.get(probe) == 1
            cache.delete(probe)
        except Exception:  # each backend has its own errors (redis-py, memcached, ...)
            log.exception("Readiness: the %s cache does not answer", alias)
            answered = False
        if not answered:
            failing.append(f"cache {alias}")
    if failing:
        body = "not ready: " + ", ".join(failing) + "\n"
        return HttpResponse(body, status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ready\n", content_type="text/plain; charset=utf-8")
