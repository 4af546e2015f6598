"""Who is asking: the token api.guard found, and what it may do."""

from ninja.security import HttpBearer

from api.problems import Problem
from api.scopes import PERMISSIONS


class Bearer(HttpBearer):
    """`Authorization: Bearer hc_...` (api.guard has read and checked it)."""

    def authenticate(self, request, token):
        return getattr(request, "api_token", None)


def require(request, scope):
    """The token has `scope` and its user's role has what the scope needs; else a 403."""
    token = request.auth
    if scope not in token.scopes:
        raise Problem(403, f"This token does not have the {scope} scope.", kind="forbidden")
    if not token.user.has_perms(PERMISSIONS[scope]):
        raise Problem(
            403,
            f"The token's user ({token.user.get_username()}) has no role that allows {scope}.",
            kind="forbidden",
        )
    return token
