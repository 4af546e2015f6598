"""The two URLs Slack posts to: /integrations/slack/actions/ (the Interactivity Request
URL: a click on a card's button) and /integrations/slack/commands/ (the slash commands'
Request URL). Both answer 404 until SLACK_SIGNING_SECRET is set, and take only requests
signed with it, recently (slack.signing): anything else is a 401 (unsigned) or a 403
(a wrong or old signature) before the body is read as a form."""

import json
import logging

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.web.middleware import reads_own_body
from slack import actions, commands, delivery, signing
from slack.models import Event

log = logging.getLogger(__name__)


def _signed_form(request):
    """The request's form, or the HttpResponse refusing it."""
    if not settings.SLACK_SIGNING_SECRET:
        raise Http404("Slack is not set up.")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.SLACK_MAX_BODY_BYTES
    body = b"" if length > limit else request.read(limit + 1)
    if length > limit or len(body) > limit:
        return HttpResponse("Too large.", status=413)
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    try:
        signing.verify(
            secret=settings.SLACK_SIGNING_SECRET,
            timestamp=timestamp,
            signature=signature,
            body=body,
            max_age=settings.SLACK_MAX_AGE_SECONDS,
        )
    except signing.Refused as refusal:
        log.warning("Slack request refused: %s", refusal)
        status = 401 if not (timestamp and signature) else 403
        return HttpResponse("Not signed by Slack.", status=status)
    try:
        return QueryDict(body, encoding="utf-8")
    except ValueError:
        return HttpResponse("Not a form.", status=400)


def _respond(payload, answer, ticket):
    """Post the answer to the click's response_url (Slack's own only), through the outbox."""
    url = str(payload.get("response_url") or "")
    prefix = settings.SLACK_RESPONSE_URL_PREFIX
    if not url.startswith(prefix) or len(url) > 500 or "\x00" in url:
        log.warning("Slack click without a Slack response_url: no answer posted")
        return
    delivery.queue(response_url=url, event=Event.ANSWER, ticket=ticket, message=answer)


@csrf_exempt
@reads_own_body
@require_POST
def slack_actions(request):
    form = _signed_form(request)
    if isinstance(form, HttpResponse):
        return form
    try:
        payload = json.loads(form.get("payload", ""))
    except (ValueError, RecursionError):
        return HttpResponse("No payload.", status=400)
    if not isinstance(payload, dict) or payload.get("type") != "block_actions":
        return HttpResponse()  # other interactions: taken, nothing to do
    try:
        answer, ticket = actions.act(payload)
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        log.warning("Slack click of another shape: %s", type(error).__name__)
        return HttpResponse("Unreadable payload.", status=400)
    if answer is not None:
        _respond(payload, answer, ticket)
    return HttpResponse()  # Slack wants its 200 within 3 seconds; the answer follows


@csrf_exempt
@reads_own_body
@require_POST
def slack_commands(request):
    form = _signed_form(request)
    if isinstance(form, HttpResponse):
        return form
    return JsonResponse(commands.run(form))
