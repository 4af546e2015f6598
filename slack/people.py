"""Who someone in Slack is here: the staff account whose agent preferences name their
Slack member ID (set by a superuser in the admin), if it may still sign in."""

import re

from tickets.models import AgentPreference

SLACK_ID = re.compile(r"[A-Z0-9]{1,20}")


def staff_for(slack_user_id):
    if not isinstance(slack_user_id, str) or not SLACK_ID.fullmatch(slack_user_id):
        return None  # not an ID Slack gives (a NUL would not even reach PostgreSQL)
    row = (
        AgentPreference.objects.filter(
            slack_user_id=slack_user_id, user__is_active=True, user__is_staff=True
        )
        .select_related("user")
        .first()
    )
    return row.user if row else None
