from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from api import problems, reference, twins
from api.main import api


@require_GET
def reference_page(request):
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    return TemplateResponse(request, "api/reference.html", reference.context(document))


@csrf_exempt
def not_found(request, rest=""):
    return problems.response(request, 404, "No operation is at this address.", kind="not-found")


# Content for programs and language models (api/twins.py): cached like the pages (anonymous,
# no cookie: core.web.pagecache keeps them until the content changes).

MARKDOWN = "text/markdown; charset=utf-8"


@require_GET
def llms_txt(request):
    return HttpResponse(twins.llms_txt(), content_type="text/plain; charset=utf-8")


@require_GET
def llms_full_txt(request):
    return HttpResponse(twins.llms_full_txt(), content_type="text/plain; charset=utf-8")


def _twin(queryset, slug):
    item = queryset.filter(slug=slug).first()
    if item is None:
        raise Http404("No such page.")
    return HttpResponse(twins.markdown_of(item), content_type=MARKDOWN)


@require_GET
def guide_markdown(request, slug):
    return _twin(twins.guides(), slug)


@require_GET
def runbook_markdown(request, slug):
    return _twin(twins.runbooks(), slug)


@require_GET
def faq_markdown(request, slug):
    return _twin(twins.faq(), slug)
