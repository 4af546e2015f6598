from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from api import problems, reference
from api.main import api


@require_GET
def reference_page(request):
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    return TemplateResponse(request, "api/reference.html", reference.context(document))


@csrf_exempt
def not_found(request, rest=""):
    return problems.response(request, 404, "No operation is at this address.", kind="not-found")
