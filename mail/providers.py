"""Inbound email from a provider's webhook (docs/running/email-security.md).

A provider is served only when it is listed in INBOUND_PROVIDERS *and* its authentication is
configured: a signing key for the providers that sign their posts, else basic auth
(ANYMAIL_WEBHOOK_SECRET). Every other `/inbound/<provider>/inbound/` is a 404, like any URL
that does not exist. The post is checked by django-anymail's own validators (its signature
schemes and basic auth), then the raw message is taken out of it as it came, stored, and
answered at once: nothing is parsed in the web request, the worker does that.
"""

import base64
import binascii
import json
import logging
import warnings
from dataclasses import dataclass
from io import BytesIO

from anymail.exceptions import AnymailNotSupportedWarning, AnymailWebhookValidationFailure
from anymail.webhooks.mailersend import MailerSendInboundWebhookView
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from anymail.webhooks.sendgrid import SendGridInboundWebhookView
from anymail.webhooks.sparkpost import SparkPostInboundWebhookView
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.http.multipartparser import FIELD, FILE, ChunkIter, LazyStream, Parser
from django.urls import path
from django.utils.datastructures import MultiValueDict
from django.utils.http import parse_header_parameters
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.web.middleware import reads_own_body
from mail import inbound

log = logging.getLogger(__name__)


class BadPost(Exception):
    """A post that is not what the provider sends (answered 400, nothing stored)."""


@dataclass(frozen=True)
class Incoming:
    raw: bytes
    verdicts: dict  # what the provider itself reported (SPF, DKIM, spam), in its own fields
    client_address: str = ""  # the IP that handed it to the provider, when it tells


@dataclass(frozen=True)
class Provider:
    view: type  # django-anymail's inbound view: its validators check the post
    signed_by: str  # the ANYMAIL setting of its signing key; "" for basic auth only
    messages: object  # (request-like post) -> [Incoming]
    needs: str  # what to turn on at the provider for the raw message to be posted


def _secret():
    secret = settings.ANYMAIL.get("WEBHOOK_SECRET", "")
    return secret if isinstance(secret, str) and ":" in secret else ""


def authentication(name):
    """How posts for provider `name` are authenticated, or "" when they would not be."""
    provider = PROVIDERS.get(name)
    if provider is None:
        return ""
    if provider.signed_by and settings.ANYMAIL.get(provider.signed_by):
        return f"signature ({provider.signed_by})"
    if not provider.signed_by and _secret():
        return "basic auth (WEBHOOK_SECRET)"
    return ""


def served():
    """The providers whose inbound webhook exists: listed and authenticated."""
    return {name for name in settings.INBOUND_PROVIDERS if authentication(name)}


def body_limit():
    """The largest post read: a message of INBOUND_MAX_BYTES, base64- or JSON-encoded."""
    return settings.INBOUND_MAX_BYTES * 3 // 2 + 2**20


class Post:
    """The post as django-anymail's validators read it, with the body read under this
    route's own size limit rather than Django's DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def __init__(self, request, body):
        self.META, self.headers = request.META, request.headers
        self.method, self.content_type = request.method, request.content_type
        self.body = body
        self.FILES = MultiValueDict()
        self.fields = (
            _form(body, request)
            if self.content_type.startswith(("multipart/", "application/x-www-form-urlencoded"))
            else {}
        )
        self.POST = QueryDict(mutable=True)
        for name, values in self.fields.items():
            for value in values:
                self.POST.appendlist(name, value.decode("utf-8", "replace"))

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise BadPost(f"the body is not JSON ({error})") from None


def _form(body, request):
    """A form's fields as bytes (the raw message stays as it came), fields and files alike."""
    if request.content_type == "application/x-www-form-urlencoded":
        form = QueryDict(body, encoding="utf-8")
        return {name: [v.encode() for v in values] for name, values in form.lists()}
    boundary = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))[1].get("boundary")
    if not boundary or not 0 < len(boundary) <= 200 or not boundary.isascii():
        raise BadPost("a multipart post without a usable boundary")
    fields = {}
    stream = LazyStream(ChunkIter(BytesIO(body), 64 * 1024))
    try:
        for count, (kind, meta, part) in enumerate(Parser(stream, boundary.encode())):
            if count > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:
                raise BadPost("too many fields")
            if kind not in (FIELD, FILE):
                continue
            name = meta.get("content-disposition", ("", {}))[1].get("name", b"")
            name = name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)
            data = part.read()
            if (meta.get("content-transfer-encoding") or ("",))[0].strip() == "base64":
                data = base64.b64decode(data)
            fields.setdefault(name.strip(), []).append(data)
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise BadPost(f"an unreadable form ({type(error).__name__})") from None
    return fields


def _field(post, name):
    values = post.fields.get(name)
    return values[-1] if values else None


def _text_to_bytes(raw):
    """A raw message a provider posted as JSON text, as the bytes it was (lone surrogates and
    all: cleaning is the parser's job, losing the message is nobody's)."""
    if not isinstance(raw, str) or not raw:
        raise BadPost("the post has no raw message")
    return raw.encode("utf-8", "surrogatepass")


def _postmark(post):
    event = post.json()
    if not isinstance(event, dict) or event.get("RecordType", "Inbound") != "Inbound":
        raise BadPost("not an inbound message (a tracking webhook on the inbound URL?)")
    return [Incoming(_text_to_bytes(event.get("RawEmail")), {})]


def _mailgun(post):
    raw = _field(post, "body-mime")
    if not raw:
        raise BadPost("no body-mime: point Mailgun's route at /inbound/mailgun/inbound_mime/")
    return [Incoming(raw, {})]


def _sendgrid(post):
    raw = _field(post, "email")
    if not raw:
        raise BadPost("no raw message: tick SendGrid's 'POST the raw, full MIME message'")
    verdicts = {}
    for name, key in (("SPF", "spf"), ("dkim", "dkim"), ("spam_score", "spam_score")):
        value = _field(post, name)
        if value:
            verdicts[key] = value.decode("utf-8", "replace")[:500]
    envelope = _field(post, "envelope") or b"{}"
    try:
        sender = json.loads(envelope).get("from") or ""
    except (ValueError, AttributeError):
        sender = ""
    if isinstance(sender, str) and sender:
        verdicts["envelope_from"] = sender[:254]
    client_address = (_field(post, "sender_ip") or b"").decode("ascii", "replace")[:45]
    return [Incoming(raw, verdicts, client_address)]


def _mailersend(post):
    event = post.json()
    data = event.get("data") if isinstance(event, dict) else None
    if not isinstance(data, dict) or event.get("type") != "inbound.message":
        raise BadPost("not an inbound message")
    return [Incoming(_text_to_bytes(data.get("raw")), {})]


def _sparkpost(post):
    events = post.json()
    if not isinstance(events, list):
        raise BadPost("not a list of relay events")
    found = []
    for event in events:
        message = (event.get("msys") or {}).get("relay_message") if isinstance(event, dict) else 0
        if not message:
            continue  # SparkPost's empty "ping"
        content = message.get("content") or {}
        raw = content.get("email_rfc822")
        if content.get("email_rfc822_is_base64"):
            try:
                found.append(Incoming(base64.b64decode(raw or ""), {}))
            except (binascii.Error, TypeError, ValueError):
                raise BadPost("a relay message that is not base64") from None
        else:
            found.append(Incoming(_text_to_bytes(raw), {}))
    return found


PROVIDERS = {
    "postmark": Provider(
        PostmarkInboundWebhookView, "", _postmark, "Include raw email content in JSON payload"
    ),
    "mailgun": Provider(
        MailgunInboundWebhookView,
        "MAILGUN_WEBHOOK_SIGNING_KEY",
        _mailgun,
        "a route that forwards to /inbound/mailgun/inbound_mime/",
    ),
    "sendgrid": Provider(
        SendGridInboundWebhookView, "", _sendgrid, "POST the raw, full MIME message"
    ),
    "mailersend": Provider(
        MailerSendInboundWebhookView, "MAILERSEND_INBOUND_SECRET", _mailersend, "nothing"
    ),
    "sparkpost": Provider(SparkPostInboundWebhookView, "", _sparkpost, "nothing"),
}


@csrf_exempt
@reads_own_body
@require_http_methods(["POST", "HEAD"])
def inbound_webhook(request, provider):
    """One post from a provider: checked, stored as it came, answered."""
    if provider not in served():
        raise Http404("No such webhook.")
    if request.method == "HEAD":  # some providers try the URL when it is set up
        return HttpResponse()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > body_limit():
        return HttpResponse("The post is larger than any message we take.", status=413)
    body = request.read(body_limit() + 1)
    if len(body) > body_limit():
        return HttpResponse("The post is larger than any message we take.", status=413)
    spec = PROVIDERS[provider]
    try:
        post = Post(request, body)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AnymailNotSupportedWarning)  # SendGrid's notice
            spec.view().run_validators(post)
        messages = spec.messages(post)
    except AnymailWebhookValidationFailure:
        log.warning("Inbound webhook %s: a post that failed authentication", provider)
        return HttpResponse("Authentication failed.", status=403)
    except BadPost as error:
        log.warning("Inbound webhook %s: %s", provider, error)
        return HttpResponseBadRequest(f"Not an inbound message we can take: {error}.")
    except (AttributeError, KeyError, TypeError, ValueError, RecursionError) as error:
        # JSON of another shape, nested thousands deep, a field of the wrong type...
        log.warning("Inbound webhook %s: unreadable post (%s)", provider, type(error).__name__)
        return HttpResponseBadRequest("Not an inbound message we can take.")
    for message in messages:
        try:
            inbound.receive(
                message.raw,
                source=f"webhook:{provider}",
                provider_verdicts=message.verdicts,
                client_address=message.client_address,
                in_web_request=True,
            )
        except inbound.Rejected as refusal:
            log.warning("Inbound email from %s refused: %s", provider, refusal)
    return HttpResponse(f"Stored {len(messages)}.")


urlpatterns = [
    path("mailgun/inbound_mime/", inbound_webhook, {"provider": "mailgun"}),
    path("<slug:provider>/inbound/", inbound_webhook),
]
