import functools
import math
from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from search.events import announce_open, announce_search, results_page
from search.forms import SearchForm
from search.models import SearchDocument
from search.services import search

PER_PAGE = 10
MAX_PAGE = 100


@require_GET
def search_results(request):
    form = SearchForm(request.GET)
    query, tag = form.query, form.tag_slug
    try:
        page = min(max(int(request.GET.get("page", 1)), 1), MAX_PAGE)
    except ValueError:
        page = 1
    run = functools.partial(
        search, query, tag=tag or None, per_page=PER_PAGE, as_you_type=False, exact=form.is_exact
    )
    results = run(page=page)
    if results.is_browse and tag:  # a tag alone: the knowledge base, filtered by it
        return redirect(f"{reverse('home')}?{urlencode({'tag': tag})}#knowledge-base")
    page_count = math.ceil(results.total / PER_PAGE)
    if page > page_count > 0:  # past the end (an old link, a typed URL): the last page
        page = page_count
        results = run(page=page)
    if not results.is_browse and page == 1:
        # Counted by what the words as typed found: a corrected typo that found something
        # still shows in content gaps when its own words found nothing.
        announce_search(request, query=results.query, total=results.own_total, tag=tag)
    panels = [
        panel
        for _, panel in results_page.send(
            sender=None, request=request, results=results, query=query, page=page
        )
        if panel
    ]
    context = {
        "panels": panels,
        "query": query,
        "active_tag": tag,
        "results": results,
        "page": page,
        "page_count": page_count,
    }
    return TemplateResponse(request, "search/search_results.html", context)


@require_GET
def search_open(request, pk):
    """Announces that a result was opened for a query (insights counts people's), then
    goes to it. The target comes from the index, never from the request: no open redirect.
    """
    document = get_object_or_404(SearchDocument, pk=pk)
    announce_open(request, query=request.GET.get("q", "")[:200])
    return redirect(document.url)
