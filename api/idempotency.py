"""`Idempotency-Key` on POST: the same key with the same request gets the first answer
(status, body and the headers that matter) without acting again; with another request, a
422; while the first is still being answered, a 409. Keys are per token and kept
API_IDEMPOTENCY_HOURS (the clock forgets older ones: api/jobs.py)."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from api import problems
from api.models import IdempotentRequest

KEPT_HEADERS = ("Location", "ETag")


def fingerprint(request):
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode("utf-8", "surrogatepass")):
        digest.update(part + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def replay(record):
    answer = HttpResponse(
        bytes(record.body), status=record.status, content_type=record.content_type
    )
    for name, value in record.headers.items():
        answer[name] = value
    answer["Idempotent-Replayed"] = "true"
    return answer


def run(request, token, key, view):
    """Answer `request` with `view()` once per key."""
    if not key or len(key) > 255 or not key.isprintable():
        return problems.response(
            request, 400, "An Idempotency-Key is 1 to 255 printable characters.", kind="validation"
        )
    printed = fingerprint(request)
    try:
        with transaction.atomic():
            record = IdempotentRequest.objects.create(token=token, key=key, fingerprint=printed)
    except IntegrityError:
        record = IdempotentRequest.objects.filter(token=token, key=key).first()
        if record is None:  # forgotten in between: answer as new
            return view()
        if record.fingerprint != printed:
            return problems.response(
                request,
                422,
                "This Idempotency-Key was sent before with another request.",
                kind="idempotency-key-reused",
            )
        if record.status is None:
            return problems.response(
                request,
                409,
                "A request with this Idempotency-Key is still being answered; try again.",
                kind="idempotency-key-in-use",
            )
        return replay(record)
    try:
        answer = view()
    except BaseException:
        record.delete()
        raise
    if answer.status_code >= 500 or answer.status_code == 429:
        record.delete()  # not an answer to keep: the client may try again
        return answer
    record.status = answer.status_code
    record.content_type = answer.get("Content-Type", "")
    record.body = answer.content
    record.headers = {name: answer[name] for name in KEPT_HEADERS if name in answer}
    record.save(update_fields=["status", "content_type", "body", "headers"])
    return answer


def forget_old(now=None):
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    return IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()[0]
