"""/api/v1/webhooks/: register, list and remove outgoing webhooks (webhooks:manage)."""

from django.conf import settings
from ninja import Router, Status

from api.auth import require
from api.main import ERRORS, ProblemOut
from api.models import WebhookEndpoint
from api.problems import Problem
from api.schemas import PathSlug, WebhookCreated, WebhookIn, WebhookOut
from core import safehttp
from core.parsing import row_id

router = Router()
SCOPE = {"x-scope": "webhooks:manage"}


def endpoint_json(endpoint):
    return {
        "id": endpoint.pk,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "include_internal": endpoint.include_internal,
        "created_at": endpoint.created_at,
        "disabled_at": endpoint.disabled_at,
        "disabled_reason": endpoint.disabled_reason,
    }


@router.get(
    "",
    response={200: list[WebhookOut], ERRORS: ProblemOut},
    url_name="webhook-list",
    summary="List webhook endpoints",
    openapi_extra=SCOPE,
)
def webhook_list(request):
    require(request, "webhooks:manage")
    return [endpoint_json(e) for e in WebhookEndpoint.objects.all()]


@router.post(
    "",
    response={201: WebhookCreated, ERRORS: ProblemOut},
    url_name="webhook-create",
    summary="Register a webhook endpoint",
    openapi_extra=SCOPE,
)
def webhook_create(request, data: WebhookIn):
    """The answer holds the signing `secret` (whsec_...), once: keep it to verify the
    signatures. Addresses that are not public (loopback, private networks) are refused."""
    require(request, "webhooks:manage")
    try:
        safehttp.resolve(data.url, allow_private=settings.STATUS_WEBHOOK_ALLOW_PRIVATE)
    except safehttp.UnsafeURL as error:
        raise Problem(422, str(error), kind="validation") from None
    endpoint = WebhookEndpoint.objects.create(
        url=data.url,
        description=data.description,
        events=sorted(set(data.events)),
        include_internal=data.include_internal,
        created_by=request.auth.user,
    )
    return Status(201, {**endpoint_json(endpoint), "secret": endpoint.signing_secret})


@router.delete(
    "{slug:endpoint_id}",
    response={204: None, ERRORS: ProblemOut},
    url_name="webhook-delete",
    summary="Remove a webhook endpoint",
    openapi_extra=SCOPE,
)
def webhook_delete(request, endpoint_id: PathSlug):
    require(request, "webhooks:manage")
    pk = row_id(endpoint_id)
    deleted = WebhookEndpoint.objects.filter(pk=pk).delete()[0] if pk else 0
    if not deleted:
        raise Problem(404, "There is no webhook endpoint with this id.", kind="not-found")
    return Status(204, None)
