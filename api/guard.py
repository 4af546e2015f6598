"""What every /api/v1/ request goes through around django-ninja's view: the token, its rate
limit (RateLimit headers), idempotency keys, problem details for every error, and ETags on
reads.

The token is read here rather than only in ninja's auth, because the rate limit and the
idempotency keys are the token's; ninja's auth (api.auth.Bearer) then accepts the token
found here, and the OpenAPI document shows the bearer scheme.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control

from api import idempotency, problems
from api.models import ApiToken
from core.web import ratelimits

READS = ("GET", "HEAD")


def bearer(request):
    """The token named by `Authorization: Bearer ...`, if usable."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    return ApiToken.objects.authenticate(raw.strip())


def rate_limit(request, token):
    return ratelimits.count(
        request,
        group="api.token",
        key=lambda group, request: str(token.pk),
        rate=settings.API_RATE_LIMIT,
    )


def rate_headers(usage):
    """The IETF httpapi RateLimit fields (draft-ietf-httpapi-ratelimit-headers)."""
    return {
        "RateLimit-Policy": f'"token";q={usage.limit};w={usage.window}',
        "RateLimit": f'"token";r={usage.remaining};t={usage.reset}',
    }


def etag(request, answer):
    """A strong ETag of a read's body; If-None-Match that matches is a 304."""
    if request.method not in READS or answer.status_code != 200 or answer.streaming:
        return answer
    answer["ETag"] = '"' + hashlib.blake2b(answer.content, digest_size=16).hexdigest() + '"'
    patch_cache_control(answer, private=True, no_cache=True)
    return get_conditional_response(request, etag=answer["ETag"], response=answer) or answer


def guarded(view):
    @wraps(view)
    def answer(request, *args, **kwargs):
        token = request.api_token = bearer(request)
        usage = None
        if token is not None:
            request.user = token.user
            usage = rate_limit(request, token)
        if usage is not None and usage.over:
            response = problems.response(
                request,
                429,
                f"This token may make {usage.limit} requests in {usage.window} seconds.",
                kind="rate-limited",
                headers={"Retry-After": str(max(usage.reset, 1))},
            )
        elif (
            token is not None
            and request.method == "POST"
            and ("HTTP_IDEMPOTENCY_KEY" in request.META)
        ):
            key = request.META["HTTP_IDEMPOTENCY_KEY"]
            response = idempotency.run(
                request,
                token,
                key,
                lambda: problems.ensure(request, view(request, *args, **kwargs)),
            )
        else:
            response = problems.ensure(request, view(request, *args, **kwargs))
        response = etag(request, response)
        if usage is not None:
            for name, value in rate_headers(usage).items():
                response[name] = value
        return response

    return answer
