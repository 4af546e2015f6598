"""Errors as RFC 9457 problem details (`application/problem+json`), everywhere under
/api/v1/: what the API raises itself, what django-ninja answers (validation, a body that is
not JSON, a method the path does not take) and a path that is not there.

A problem has `type` (a link to its explanation on the reference page), `title`, `status`,
`detail` and `instance`, and sometimes more members (`errors`, `allowed`).
"""

import json
from http import HTTPStatus

from django.http import HttpResponse

from mail.links import absolute

CONTENT_TYPE = "application/problem+json"
REFERENCE = "/api/v1/docs/"

# Problem types with their own explanation on the reference page (the rest are plain HTTP
# statuses, `about:blank`).
TYPES = {
    "validation": "The request's parameters or body do not fit the schema: `errors` says "
    "where and why.",
    "malformed": "The body is not JSON (or not UTF-8).",
    "unauthenticated": "No token, or one that is unknown, revoked or expired.",
    "forbidden": "The token lacks the scope, or its user's role lacks the permission.",
    "not-found": "Nothing is at this address, or the token may not see it.",
    "method-not-allowed": "The address exists, with other methods (`Allow`).",
    "illegal-transition": "The ticket cannot move to that status from its own: `allowed` "
    "lists the statuses it can move to.",
    "conflict": "The request conflicts with the current state of the resource.",
    "idempotency-key-reused": "This Idempotency-Key was used with another request.",
    "idempotency-key-in-use": "A request with this Idempotency-Key is still being answered.",
    "rate-limited": "Too many requests for this token: wait `Retry-After` seconds.",
}


class Problem(Exception):
    """Raise anywhere in an operation: answered as problem+json."""

    def __init__(self, status, detail="", *, kind=None, title=None, headers=None, **extra):
        super().__init__(detail)
        self.status, self.detail, self.kind = status, detail, kind
        self.title, self.headers, self.extra = title, headers or {}, extra


def problem_type(kind):
    return absolute(f"{REFERENCE}#problem-{kind}") if kind else "about:blank"


def response(request, status, detail="", *, kind=None, title=None, headers=None, **extra):
    body = {
        "type": problem_type(kind),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or HTTPStatus(status).description,
        "instance": request.path[:500],
        **extra,
    }
    answer = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        answer[name] = value
    return answer


def from_exception(request, problem):
    return response(
        request,
        problem.status,
        problem.detail,
        kind=problem.kind,
        title=problem.title,
        headers=problem.headers,
        **problem.extra,
    )


def validation_errors(errors):
    """Pydantic's errors, without the input they echo (it can be a megabyte) nor the
    exceptions in their context."""
    cleaned = []
    for error in errors[:50]:
        cleaned.append(
            {
                "loc": [str(part)[:100] for part in error.get("loc", ())],
                "msg": str(error.get("msg", ""))[:300],
                "type": str(error.get("type", ""))[:100],
            }
        )
    return cleaned


def ensure(request, answer):
    """Any error answer that is not a problem yet becomes one (a 405 from django-ninja, a
    404 from Django), with the headers it had (Allow)."""
    if answer.status_code < 400 or answer.get("Content-Type", "").startswith(CONTENT_TYPE):
        return answer
    kinds = {404: "not-found", 405: "method-not-allowed", 401: "unauthenticated"}
    headers = {name: answer[name] for name in ("Allow", "WWW-Authenticate") if name in answer}
    return response(
        request, answer.status_code, kind=kinds.get(answer.status_code), headers=headers
    )
