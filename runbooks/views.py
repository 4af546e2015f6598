from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from kb.feedback import feedback_context, handle_feedback, shared_feedback_context, show_feedback
from runbooks.models import Runbook


def get_visible_runbook(request, slug):
    runbook = get_object_or_404(
        Runbook.objects.prefetch_related("tags", "checks", "fix_steps"), slug=slug
    )
    if not runbook.is_visible_to(request.user):
        raise Http404("No such runbook")
    return runbook


def render_runbook(request, runbook, *, feedback_form=None, status=200):
    context = {
        "runbook": runbook,
        "related_guides": runbook.related_guides.published().order_by("order", "title"),
        # A form means this visitor's widget (feedback page, form errors); else the shared one.
        **(
            feedback_context(request, runbook, feedback_form)
            if feedback_form is not None
            else shared_feedback_context(runbook)
        ),
    }
    return TemplateResponse(request, "runbooks/runbook_detail.html", context, status=status)


@require_GET
def runbook_detail(request, slug):
    return render_runbook(request, get_visible_runbook(request, slug))


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate="30/m", method="POST", block=True)
def runbook_feedback(request, slug):
    runbook = get_visible_runbook(request, slug)
    if request.method == "POST":
        return handle_feedback(request, runbook, render_page=render_runbook)
    return show_feedback(request, runbook, render_page=render_runbook)
