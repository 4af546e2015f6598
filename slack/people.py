"""Who someone in Slack is here: the staff account whose agent preferences name their
Slack member ID (set by a superuser in the admin), if it may still sign in."""

from tickets.models import AgentPreference


def staff_for(slack_user_id):
    if not slack_user_id:
        return None
    row = (
        AgentPreference.objects.filter(
            slack_user_id=slack_user_id, user__is_active=True, user__is_staff=True
        )
        .select_related("user")
        .first()
    )
    return row.user if row else None
