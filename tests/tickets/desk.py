"""Helpers shared by the help-desk tests (tags, fields, organizations, groups, triggers)."""

CHANGELIST = "/admin/tickets/ticket/"


def change_url(ticket):
    return f"{CHANGELIST}{ticket.pk}/change/"


def form_data(ticket, **fields):
    """The ticket page's form as the page shows it (tags ticked), with `fields` changed."""
    ticket.refresh_from_db()
    return {
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": ticket.assignee_id or "",
        "group": getattr(ticket, "group_id", None) or "",
        "category": ticket.category,
        "reply_kind": "public",
        "reply": "",
        "current_tags": ticket.tag_names(),
        "add_tags": "",
        "seen_version": ticket.updated_at.isoformat(),
        **fields,
    }
