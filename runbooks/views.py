from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from kb.pages import get_visible, render_article, respond_to_feedback
from runbooks.models import Runbook


def _runbook(request, slug):
    queryset = Runbook.objects.prefetch_related("tags", "checks", "fix_steps")
    return get_visible(request, queryset, slug)


def render_runbook(request, runbook, **options):
    context = {
        "runbook": runbook,
        "related_guides": runbook.related_guides.published().order_by("order", "title"),
    }
    return render_article(request, "runbooks/runbook_detail.html", runbook, context, **options)


@require_GET
def runbook_detail(request, slug):
    return render_runbook(request, _runbook(request, slug))


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate="30/m", method="POST", block=True)
def runbook_feedback(request, slug):
    return respond_to_feedback(request, _runbook(request, slug), render_page=render_runbook)
