"""The REST API (/api/v1/), built with django-ninja: operations are typed functions, and the
OpenAPI 3.1 document (/api/v1/openapi.json) is generated from those types, so it cannot drift
from the code (docs/developers/api.md says why ninja).

Every error is a problem (api.problems); each operation lists the problems it can answer,
and the document says they come as application/problem+json.
"""

import copy
from functools import cached_property

from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from api import problems
from api.auth import Bearer


class ProblemOut(Schema):
    """An error, as RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str


# The errors every operation may answer (documented, so a client knows their shape).
ERRORS = frozenset({400, 401, 403, 404, 405, 409, 422, 429})


class HelpCenterAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation):
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The document, made once per process (about a quarter of a second of pydantic's
        work each time): the operations are fixed once the URLs are loaded. Each caller
        gets its own copy to read or change; a router added later makes a new document."""
        key = (path_prefix, tuple(sorted((path_params or {}).items())), len(self._routers))
        if key not in self._documents:
            # The URLs mount the operations: loaded first, the document kept has every one
            # of them, whoever asks first.
            from api import urls  # noqa: F401

            self._documents[key] = self._document(path_prefix, path_params)
        return copy.deepcopy(self._documents[key])

    @cached_property
    def _documents(self):
        return {}

    def _document(self, path_prefix, path_params):
        """Error answers are application/problem+json (ninja writes every answer as JSON)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        answer["content"] = {problems.CONTENT_TYPE: content["application/json"]}
        return schema


api = HelpCenterAPI(
    title="Help center API",
    version="1",
    description=(
        "Tickets, content and webhooks of the help center. Authenticate with "
        "`Authorization: Bearer <token>`; errors are RFC 9457 problem details."
    ),
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
    auth=Bearer(),
)


@api.exception_handler(problems.Problem)
def _problem(request, error):
    return problems.from_exception(request, error)


@api.exception_handler(ValidationError)
def _invalid(request, error):
    return problems.response(
        request,
        422,
        "The request does not fit the schema.",
        kind="validation",
        errors=problems.validation_errors(error.errors),
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, error):
    return problems.response(
        request,
        401,
        "Send a token: Authorization: Bearer <token> (unknown, revoked and expired tokens "
        "are refused).",
        kind="unauthenticated",
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


@api.exception_handler(HttpError)
def _http_error(request, error):
    kind = "malformed" if error.status_code == 400 else None
    return problems.response(request, error.status_code, str(error.message), kind=kind)


@api.exception_handler(Http404)
def _not_found(request, error):
    return problems.response(request, 404, "Nothing is here.", kind="not-found")
