"""The help center as an MCP server (Model Context Protocol, with the official Python SDK):
search, answers, a page, the status and opening a ticket, as tools an AI assistant calls.

The tools are the REST API's operations under other names: the same services, the same
validation (api.schemas) and the same scopes (api.scopes). Which tools a caller sees
depends on its token: the content tools need `content:read`, `open_ticket` needs
`tickets:write`, the status is public. Without a token (`manage.py mcp` only: over HTTP a
token is required) the public tools are served: what anyone reads on the site.

Served over streamable HTTP at /mcp (api.mcp_http) and on stdio (`manage.py mcp`); the
tools run Django code in the caller's thread (asgiref's sync_to_async), so a request's
queries use the request's connection.
"""

import functools
import inspect
import json
import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from django.db import close_old_connections
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field, ValidationError

from api import content, tickets, twins
from api.models import ApiToken
from api.problems import Problem
from api.schemas import Text, TicketIn
from status.api import api_document

NAME = "helpcenter"
INSTRUCTIONS = (
    "The help center of a developer platform: guides, troubleshooting runbooks, an FAQ, the "
    "platform's status, and support tickets. Search or ask a question before opening a "
    "ticket; quote the pages you use by their url."
)


class Caller:
    """Who the tools act for. Over HTTP: the request's token. On stdio (a long-running
    process): the token is looked up again at every call, so revoking it (or the role of
    its user) stops it at once, and stale database connections are closed around each call,
    as Django does around a request."""

    def __init__(self, token=None, *, raw=None, stdio=False):
        self.raw, self._token, self.long_running = raw, token, stdio
        self.anonymous = token is None and raw is None

    def token(self):
        if self.raw is not None:
            return ApiToken.objects.authenticate(self.raw)
        return self._token


caller: ContextVar[Caller] = ContextVar("mcp_caller")
# The token a tool is running with, checked (open_ticket acts as its user).
acting: ContextVar[ApiToken | None] = ContextVar("mcp_acting", default=None)


@dataclass(frozen=True)
class Entry:
    tool: Tool
    scope: str | None  # None: anyone may call it
    public: bool  # served without a token (stdio only)


TOOLS: dict[str, Entry] = {}


def _allowed(entry, current, token):
    if current.anonymous:
        return entry.public
    return token is not None and (entry.scope is None or token.allows(entry.scope))


def _refusal(entry, current, token):
    if not current.anonymous and token is None:
        return "The token is unknown, revoked or expired."
    if current.anonymous:
        return f"Calling {entry.tool.name} needs a token with the {entry.scope} scope."
    if entry.scope not in token.scopes:
        return f"This token does not have the {entry.scope} scope."
    return f"The token's user has no role that allows {entry.scope}."


def _run(entry, fn, kwargs):
    """The tool's work, in Django's thread: the token checked, problems as tool errors."""
    current = caller.get()
    if current.long_running:
        close_old_connections()
    try:
        token = current.token()
        if not _allowed(entry, current, token):
            raise ToolError(_refusal(entry, current, token))
        acting.set(token)
        try:
            return fn(**kwargs)
        except Problem as problem:
            raise ToolError(problem.detail) from None
        except ValidationError as error:
            raise ToolError(_invalid(error)) from None
    finally:
        if current.long_running:
            close_old_connections()


def _invalid(error):
    found = [
        f"{'.'.join(str(p) for p in e['loc'])[:100]}: {e['msg'][:200]}" for e in error.errors()
    ]
    return "Invalid arguments: " + "; ".join(found[:10])


def tool(name, *, title, scope=None, public=True, read_only=True, signature=None):
    """Register a plain function as a tool (async for the SDK, run by sync_to_async)."""

    def register(fn):
        @functools.wraps(fn)
        async def call(**kwargs):
            return await sync_to_async(_run)(TOOLS[name], fn, kwargs)

        if signature is not None:
            call.__signature__ = signature
        hints = ToolAnnotations(
            title=title,
            read_only_hint=read_only,
            destructive_hint=False,
            idempotent_hint=read_only,
            open_world_hint=False,
        )
        found = Tool.from_function(call, name=name, title=title, annotations=hints)
        TOOLS[name] = Entry(found, scope, public)
        return fn

    return register


def fields_of(schema):
    """The signature of a function taking `schema`'s fields as keyword arguments (the tool's
    arguments are then validated by the API's own rules)."""
    return inspect.Signature(
        [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=inspect.Parameter.empty if field.is_required() else field.default,
                annotation=Annotated[field.annotation, field],
            )
            for name, field in schema.model_fields.items()
        ]
    )


Query = Annotated[Text, Field(min_length=1, max_length=500, description="What to look for.")]


@tool("search", title="Search the help center", scope="content:read")
def search_tool(
    query: Query,
    tag: Annotated[Text, Field(max_length=40, description="Only pages with this tag.")]
    | None = None,
    page: Annotated[int, Field(ge=1, le=1000)] = 1,
):
    """Search the guides, runbooks and FAQ (typo correction, synonyms, error codes): ten
    results a page, each with its url (read it with get_page)."""
    return content.search_json(query, tag=tag, page=page)


@tool("answer", title="Answer a question", scope="content:read")
def answer_tool(
    question: Annotated[Text, Field(min_length=1, max_length=500, description="The question.")],
):
    """A direct answer to a question, quoted from the guides, runbooks and FAQ with its
    citations (null when the content does not answer it), any open incident on a cited
    page, and the first search results."""
    return content.answer_json(question)


SLUG = r"[-a-zA-Z0-9_]{1,200}"
PAGE_PATH = re.compile(rf"^/(kb|runbooks|faq)/({SLUG})(?:/|\.md)?$")
KINDS = {
    "kb": ("guide", twins.guides, content.guide_json),
    "runbooks": ("runbook", twins.runbooks, content.runbook_json),
    "faq": ("FAQ entry", twins.faq, content.faq_json),
}


def page_address(url):
    """("kb" | "runbooks" | "faq", slug) of a page's address: its url (as search results and
    citations give it, any host, any #section) or path, or its Markdown twin's."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        parts = None
    if parts is None:
        return None
    path = parts.path if parts.path.startswith("/") else "/" + parts.path
    if path == "/" and re.fullmatch(f"faq-{SLUG}", parts.fragment):
        return "faq", parts.fragment.removeprefix("faq-")
    found = PAGE_PATH.match(path)
    return found.groups() if found else None


@tool("get_page", title="Read a page", scope="content:read")
def get_page(
    url: Annotated[
        Text,
        Field(
            min_length=1,
            max_length=2000,
            description="A guide's, runbook's or FAQ entry's url, as search results give it.",
        ),
    ],
):
    """A published guide, runbook or FAQ entry, whole, as Markdown."""
    address = page_address(url)
    if address is None:
        raise ToolError("This is not the address of a guide, runbook or FAQ entry.")
    what, published, as_json = KINDS[address[0]]
    item = content.one(published(), address[1], what)
    return {"kind": what, **as_json(item), "markdown": twins.markdown_of(item)}


@tool("get_status", title="Platform status", scope=None)
def get_status():
    """The platform's status now: its components, unresolved incidents and scheduled
    maintenances (the status page's summary, as Statuspage's API gives it)."""
    body, _ = api_document("summary")
    return json.loads(body)


@tool(
    "open_ticket",
    title="Open a support ticket",
    scope="tickets:write",
    public=False,
    read_only=False,
    signature=fields_of(TicketIn),
)
def open_ticket(**fields):
    """Open a ticket for a customer, as if they had written in (channel `api`): routing and
    rules run, and the customer is told it was received unless notify_customer is false."""
    ticket = tickets.create(TicketIn(**fields), by=acting.get().user)
    return tickets.ticket_json(tickets.find(str(ticket.pk)))


def tools_for(current):
    """The tools `current` may call, as they are listed, and why it may not call the others."""
    token = current.token()
    allowed, refused = [], {}
    for name, entry in TOOLS.items():
        if _allowed(entry, current, token):
            allowed.append(entry.tool)
        else:
            refused[name] = _refusal(entry, current, token)
    return allowed, refused


def server_for(current):
    """A server with the tools `current` may call; a call of another tool of ours says why
    it is refused (rather than the SDK's "Unknown tool")."""
    allowed, refused = tools_for(current)

    async def refuse(ctx, call_next):
        params = ctx.params if isinstance(ctx.params, Mapping) else {}
        name = params.get("name") if ctx.method == "tools/call" else None
        if isinstance(name, str) and name in refused:
            text = TextContent(type="text", text=refused[name])
            return CallToolResult(content=[text], is_error=True)
        return await call_next(ctx)

    return MCPServer(
        NAME,
        title="Help center",
        instructions=INSTRUCTIONS,
        version="1",
        tools=allowed,
        middleware=[refuse],
    )
