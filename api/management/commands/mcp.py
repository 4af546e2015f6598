"""`manage.py mcp`: the MCP server (api/mcp_server.py) on stdin and stdout, for an AI assistant
that starts it as a local process (Claude Desktop, an IDE, the SDK's stdio client).

    HELPCENTER_API_TOKEN=hc_... manage.py mcp

With a token (from the environment, never an argument another user could read in the
process list) the tools are those its scopes allow, as over HTTP at /mcp; without one,
the public tools: search, answers, pages and the status, what anyone reads on the site.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from api import mcp_server
from api.models import ApiToken

TOKEN_VARIABLE = "HELPCENTER_API_TOKEN"


class Command(BaseCommand):
    help = "Serve the MCP server on stdin/stdout (for an AI assistant that starts it)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--token-variable",
            default=TOKEN_VARIABLE,
            metavar="NAME",
            help=f"The environment variable holding the API token (default {TOKEN_VARIABLE}); "
            "without a token, only the public tools are served.",
        )

    def handle(self, *args, token_variable, **options):
        raw = os.environ.get(token_variable, "").strip() or None
        if raw is not None and ApiToken.objects.authenticate(raw) is None:
            raise CommandError(f"The token in {token_variable} is unknown, revoked or expired.")
        current = mcp_server.Caller(raw=raw, stdio=True)
        server = mcp_server.server_for(current)
        names = ", ".join(tool.name for tool in mcp_server.tools_for(current)[0])
        self.stderr.write(f"MCP server on stdio ({'with a token' if raw else 'public'}): {names}")
        mcp_server.caller.set(current)
        server.run("stdio")
