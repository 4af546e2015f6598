"""What a token may be allowed to do, and the role permissions each scope also needs.

A token acts as its user, never as more: a request needs the scope on the token *and* the
Django permissions below on the user (their role, accounts/roles.py), checked on every
request, so a user who loses a role loses it for their tokens at once.
"""

SCOPES = {
    "tickets:read": "Read tickets and their conversations.",
    "tickets:write": "Open tickets, reply, add notes, assign, change status, priority and tags.",
    "content:read": "Read guides, runbooks and the FAQ, search them and ask for answers.",
    "content:write": "Change guides, runbooks and the FAQ.",
    "status:write": "Open and update incidents and maintenances.",
    "webhooks:manage": "Register and remove outgoing webhooks.",
}

# Published content is public: reading it needs the scope, not a role.
PERMISSIONS = {
    "tickets:read": ("tickets.view_ticket",),
    "tickets:write": ("tickets.view_ticket", "tickets.change_ticket", "tickets.add_ticketmessage"),
    "content:read": (),
    "content:write": ("kb.change_guide",),
    "status:write": ("status.change_incident",),
    "webhooks:manage": ("api.add_webhookendpoint", "api.change_webhookendpoint"),
}


def parse(text):
    """Scopes from "a,b" (or a list), in SCOPES' order; ValueError names an unknown one."""
    names = text.split(",") if isinstance(text, str) else list(text)
    names = {name.strip() for name in names if name.strip()}
    unknown = sorted(names - set(SCOPES))
    if unknown:
        raise ValueError(f"Unknown scope {', '.join(unknown)}; known: {', '.join(SCOPES)}.")
    return [scope for scope in SCOPES if scope in names]


def missing_permissions(user, scopes):
    """The scopes of `scopes` that `user`'s role does not allow."""
    return [scope for scope in scopes if not user.has_perms(PERMISSIONS[scope])]
