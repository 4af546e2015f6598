"""The JSON API other clients ask, and "Was this answer helpful?"."""

from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from answers.forms import FeedbackForm
from answers.models import AnswerFeedback
from answers.serializers import reply_json
from answers.services import answer
from search.forms import SearchForm
from search.services import search

API_RESULTS = 5


@require_GET
def answer_api(request):
    """GET /api/answers/?q=...: the answer (or null), the open incident on a cited page (or
    null) and the first results. Anonymous repeats are answered by the page cache; what
    reaches the view counts against ANSWERS_API_RATE per client address."""
    usage = get_usage(
        request, group="answers:api", key="ip", rate=settings.ANSWERS_API_RATE, increment=True
    )
    if usage and usage["should_limit"]:
        response = JsonResponse({"error": "Too many requests: try again in a minute."}, status=429)
        response["Retry-After"] = str(max(int(usage["time_left"]), 1))
        return response
    query = SearchForm(request.GET).query
    reply = answer(query)
    results = search(query, per_page=API_RESULTS, as_you_type=False)
    response = JsonResponse(reply_json(reply, results))
    response["Access-Control-Allow-Origin"] = "*"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate="30/m", method="POST", block=True)
def answer_feedback(request):
    """POST: record a vote (htmx swaps in the thanks). GET: without JavaScript the answer's
    form (on a cached page, without a token) comes here, to be sent from this page."""
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            AnswerFeedback.objects.create(**form.vote())
            template = "answers/feedback.html#thanks" if request.htmx else "answers/feedback.html"
            return TemplateResponse(request, template, _context(form, sent=True))
        return TemplateResponse(request, "answers/feedback.html", _context(form), status=400)
    form = FeedbackForm(request.GET)
    return TemplateResponse(request, "answers/feedback.html", _context(form))


def _context(form, *, sent=False):
    """What the page shows and sends again: the fields that were valid, the others empty."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    vote = {name: data.get(name, "") for name in ("q", "cited", "helpful", "intake")}
    return {"form": form, "vote": vote, "sent": sent}
