from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from kb.models import Guide
from kb.pages import get_visible, render_article, respond_to_feedback


def _guide(request, slug):
    return get_visible(request, Guide.objects.prefetch_related("tags"), slug)


def render_guide(request, guide, **options):
    context = {
        "guide": guide,
        "related_guides": guide.related_guides(),
        "related_runbooks": guide.runbooks.published().order_by("order", "title"),
    }
    return render_article(request, "kb/guide_detail.html", guide, context, **options)


@require_GET
def guide_detail(request, slug):
    return render_guide(request, _guide(request, slug))


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate="30/m", method="POST", block=True)
def guide_feedback(request, slug):
    return respond_to_feedback(request, _guide(request, slug), render_page=render_guide)
