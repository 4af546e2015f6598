"""Slash commands: `/incident <code or latest> <status> <message>` posts an update to a
status incident, as `manage.py status incident update` does (status.services: the same
lookup, the same statuses, the same notification to subscribers), for staff whose role
may change the status page. The answer is the HTTP response itself: private for a
mistake, shown to the channel for an update posted."""

from core.people import staff_name
from mail.chat import escape
from slack import messages, people
from slack.messages import channel_answer, private_answer
from status import services
from status.models import STATUS_LABELS

USAGE = (
    "Usage: /incident <incident code, or latest> <status> <message>. "
    "For example: /incident latest identified The cause is a bad deploy; rolling back."
)
PERMISSIONS = ("status.add_incidentupdate", "status.change_incident")


def _status(typed, incident):
    """A status typed as its code or its label, in any case ("In progress" too)."""
    allowed = services.statuses_for(incident)
    text = typed.strip().casefold().replace(" ", "_").replace("-", "_")
    for value in allowed:
        if text in (value, STATUS_LABELS[value].casefold().replace(" ", "_")):
            return value
    return None


def incident(form):
    slack_user = form.get("user_id", "")[:20].replace("\x00", "")
    staff = people.staff_for(slack_user)
    if staff is None:
        return private_answer(messages.UNMAPPED.format(user_id=slack_user or "?"))
    if not all(staff.has_perm(p) for p in PERMISSIONS):
        return private_answer(
            "Your help center role cannot update the status page, so nothing was posted."
        )
    words = form.get("text", "").replace("\x00", "").split(None, 2)
    if len(words) < 3:
        return private_answer(USAGE)
    code, typed_status, body = words
    found = services.find_incident(code[:20])
    if found is None:
        what = "no unresolved incident" if code == "latest" else f"no incident {code[:20]}"
        return private_answer(f"There is {what}. {USAGE}")
    status = _status(typed_status, found)
    if status is None:
        choices = ", ".join(services.statuses_for(found))
        return private_answer(f"{typed_status[:40]} is not a status; one of: {choices}.")
    services.post_update(incident=found, status=status, body=body.strip()[:5000])
    return channel_answer(
        f"{escape(staff_name(staff))} posted an update to {escape(found.name)} ({found.code}): "
        f"{STATUS_LABELS[status]}. {escape(body.strip()[:500])}"
    )


COMMANDS = {"/incident": incident}


def run(form):
    command = COMMANDS.get(form.get("command", ""))
    if command is None:
        return private_answer(f"This help center knows only {', '.join(COMMANDS)}.")
    return command(form)
