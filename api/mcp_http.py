"""/mcp: the MCP server (api.mcp_server) over streamable HTTP, from a Django view.

The site runs under WSGI (gunicorn, runserver), and the SDK serves HTTP as an ASGI app. Its
stateless mode with JSON responses answers each POST on its own (no session kept between
requests, no event stream), which is what a view can do: the view hands the request to a
fresh session manager as one ASGI request, under asgiref's async_to_sync, and returns what
it answered. The tools then run in the view's own thread (sync_to_async), with its
database connection.

Before that, as for /api/v1/ (api.guard): a token is required (401 problem otherwise), it
counts against the token's rate limit (429, RateLimit headers), and the tools listed and
callable are those its scopes allow.

The SDK (and api.mcp_server, which builds on it) is imported by the first request that
needs it, not with the URLs: it was a third of the start-up of every process (0.7 of 2.2 s
for a `manage.py` command, a gunicorn worker, a test process).
"""

import anyio
from asgiref.sync import async_to_sync
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from api import guard, problems
from core.web.middleware import refuses_nul_with

# A JSON-RPC message is small; the SDK's own limit is 4 MiB.
MAX_BODY = 1024 * 1024
# A safety net (no JSON answer waits on a stream): under gunicorn's worker timeout (30 s).
TIMEOUT = 25


def unauthenticated(request):
    return problems.response(
        request,
        401,
        "Send a token: Authorization: Bearer <token> (unknown, revoked and expired tokens "
        "are refused).",
        kind="unauthenticated",
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


def rate_limited(request, usage):
    return problems.response(
        request,
        429,
        f"This token may make {usage.limit} requests in {usage.window} seconds.",
        kind="rate-limited",
        headers={"Retry-After": str(max(usage.reset, 1))},
    )


@csrf_exempt
@refuses_nul_with(guard.refuse_nul)
def mcp_endpoint(request):
    token = request.api_token = guard.bearer(request)
    if token is None:
        return unauthenticated(request)
    request.user = token.user
    usage = guard.rate_limit(request, token)
    if usage is not None and usage.over:
        response = rate_limited(request, usage)
    elif request.method != "POST":
        # No event stream to GET (stateless), no session to DELETE: the spec's 405.
        response = problems.response(
            request,
            405,
            "Send JSON-RPC messages with POST: this server keeps no stream or session.",
            kind="method-not-allowed",
            headers={"Allow": "POST"},
        )
    else:
        try:
            body = request.body
        except RequestDataTooBig:
            body = None
        if body is None or len(body) > MAX_BODY:
            response = problems.response(request, 413, f"A body may hold {MAX_BODY} bytes.")
        else:
            response = answer(request, token, body)
    if usage is not None:
        for name, value in guard.rate_headers(usage).items():
            response[name] = value
    return response


def answer(request, token, body):
    from api import mcp_server

    current = mcp_server.Caller(token)
    reset = mcp_server.caller.set(current)
    try:
        found = async_to_sync(serve)(mcp_server.server_for(current), asgi_scope(request), body)
    finally:
        mcp_server.caller.reset(reset)
    if found is None:
        return problems.response(request, 504, "The request took too long.")
    status, headers, content = found
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name.decode("latin-1")] = value.decode("latin-1")
    return response


def asgi_scope(request):
    """The ASGI scope of `request` (the headers as bytes, as a server would give them)."""
    headers = [
        (name.lower().encode("latin-1", "replace"), value.encode("latin-1", "replace"))
        for name, value in request.headers.items()
    ]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": request.scheme,
        "path": request.path,
        "raw_path": request.path.encode("utf-8", "surrogateescape"),
        "query_string": request.META.get("QUERY_STRING", "").encode("latin-1", "replace"),
        "root_path": "",
        "headers": headers,
        "client": (request.META.get("REMOTE_ADDR", ""), 0),
        "server": (request.get_host(), int(request.get_port() or 0)),
    }


async def serve(server, scope, body):
    """One request through the SDK: (status, headers, body), or None if it did not answer
    in time."""
    answered = anyio.Event()
    sent = {"status": 500, "headers": [], "body": []}
    received = False

    async def receive():
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": body, "more_body": False}
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            sent["status"], sent["headers"] = message["status"], message.get("headers", [])
        elif message["type"] == "http.response.body":
            sent["body"].append(message.get("body", b""))
            if not message.get("more_body", False):
                answered.set()

    from mcp.server.transport_security import TransportSecuritySettings

    server.streamable_http_app(
        stateless_http=True,
        json_response=True,
        max_request_body_size=MAX_BODY,
        # Django's ALLOWED_HOSTS has checked the Host header, and a browser cannot send the
        # token: the SDK's DNS-rebinding check (for servers on localhost) has nothing to add.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    manager = server.session_manager
    with anyio.move_on_after(TIMEOUT):
        async with manager.run():
            await manager.handle_request(scope, receive, send)
    if not answered.is_set():
        return None
    return sent["status"], sent["headers"], b"".join(sent["body"])
