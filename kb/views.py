from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from kb.feedback import feedback_context, handle_feedback, shared_feedback_context, show_feedback
from kb.models import Guide


def get_visible_guide(request, slug):
    """Published guides for everyone; drafts only for their editors, who preview them."""
    guide = get_object_or_404(Guide.objects.prefetch_related("tags"), slug=slug)
    if not guide.is_visible_to(request.user):
        raise Http404("No such guide")
    return guide


def render_article(request, guide, *, feedback_form=None, status=200):
    context = {
        "guide": guide,
        "related_guides": guide.related_guides(),
        "related_runbooks": guide.runbooks.published().order_by("order", "title"),
        # A form means this visitor's widget (feedback page, form errors); else the shared one.
        **(
            feedback_context(request, guide, feedback_form)
            if feedback_form is not None
            else shared_feedback_context(guide)
        ),
    }
    return TemplateResponse(request, "kb/article_detail.html", context, status=status)


@require_GET
def article_detail(request, slug):
    return render_article(request, get_visible_guide(request, slug))


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate="30/m", method="POST", block=True)
def article_feedback(request, slug):
    guide = get_visible_guide(request, slug)
    if request.method == "POST":
        return handle_feedback(request, guide, render_page=render_article)
    return show_feedback(request, guide, render_page=render_article)
