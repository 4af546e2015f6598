"""What every /api/v1/ request goes through around django-ninja's view: the token, its rate
limit (RateLimit headers), idempotency keys, problem details for every error, and ETags on
reads.

The token is read here rather than only in ninja's auth, because the rate limit and the
idempotency keys are the token's; ninja's auth (api.auth.Bearer) then accepts the token
found here, and the OpenAPI document shows the bearer scheme.
"""

import hashlib
import re
from functools import cache, wraps

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control

from api import idempotency, problems
from api.models import ApiToken
from core.web import ratelimits
from core.web.middleware import refuses_nul_with

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


@cache
def query_names():
    """{(path, method): the query parameters the operation takes}, from the document."""
    from api.main import api

    names = {}
    for path, item in api.get_openapi_schema(path_prefix="/api/v1/")["paths"].items():
        for method, operation in item.items():
            params = operation.get("parameters", [])
            names[path, method.upper()] = {p["name"] for p in params if p["in"] == "query"}
    return names


def unknown_parameters(request):
    """Query parameters the operation does not take (refused, as Stripe's API does: a
    misspelt filter must not silently list everything)."""
    match = request.resolver_match
    if match is None or not request.GET:
        return []
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", match.route)
    method = "GET" if request.method == "HEAD" else request.method
    allowed = query_names().get((path, method))
    return [] if allowed is None else sorted(set(request.GET) - allowed)


def refuse_nul(request):
    return problems.response(
        request, 400, "The request holds a NUL character, which no field accepts.", kind="malformed"
    )


def guarded(view):
    @refuses_nul_with(refuse_nul)
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
        elif unknown := unknown_parameters(request):
            response = problems.response(
                request,
                422,
                f"Unknown query parameter: {', '.join(repr(n[:50]) for n in unknown[:5])}.",
                kind="validation",
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
