"""Each agent reads staff pages in their own time zone (AgentPreference.time_zone, else
settings.TIME_ZONE) and types times in it: the zone is kept in the session when they sign in
or change it, and activated for each staff page (no query per request)."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

SESSION_KEY = "staff_time_zone"
STAFF_PREFIX = "/admin/"


def remember(request, user):
    from tickets.models import AgentPreference

    if user.is_staff and hasattr(request, "session"):
        request.session[SESSION_KEY] = AgentPreference.time_zone_for(user)


@receiver(user_logged_in)
def _on_sign_in(sender, request, user, **kwargs):
    if request is not None:
        remember(request, user)


def zone_of(request):
    """The agent's zone for this request, or None (not a staff page, or not signed in)."""
    if not request.path.startswith(STAFF_PREFIX) or not hasattr(request, "session"):
        return None
    name = request.session.get(SESSION_KEY)
    if not name or name == settings.TIME_ZONE:
        return None  # the default zone is already the active one
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def staff_time_zone(get_response):
    """Middleware: staff pages in the agent's zone; every other page in the default."""

    def middleware(request):
        zone = zone_of(request)
        if zone is None:
            return get_response(request)
        timezone.activate(zone)
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware
