"""Paused sign-in after repeated failures (django-axes, configured in settings: AXES_*)."""

import math

from axes.conf import settings as axes_settings
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import LoginView
from django.template.response import TemplateResponse
from django.utils import timezone

USERNAME_COLUMN = AccessAttempt._meta.get_field("username").max_length


def attempted_username(request, credentials=None):
    """The username a sign-in tried (AXES_USERNAME_CALLABLE), cut to what the attempts table
    holds. Axes stores it as typed, and a longer one (no account has one: usernames are at
    most 150 characters) made PostgreSQL refuse the row, so the failed sign-in became a 500.
    Cut, it fails like any wrong username and counts towards the pause of that prefix."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(axes_settings.AXES_USERNAME_FORM_FIELD)
    return username[:USERNAME_COLUMN] if isinstance(username, str) else username


def signin_paused(request, original_response=None, credentials=None):
    """The answer to a sign-in refused while paused (AXES_LOCKOUT_CALLABLE): the admin login
    page again, status 429, saying for how long and that an administrator can unlock it."""
    minutes = minutes_left(request, credentials)
    username = get_client_username(request, credentials) or ""
    context = {
        **admin.site.each_context(request),
        "title": "Log in",
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
        "form": AdminAuthenticationForm(request, initial={"username": username}),
        REDIRECT_FIELD_NAME: _next_url(request),
        "signin_paused_minutes": minutes,
    }
    request.current_app = admin.site.name
    response = TemplateResponse(request, admin.site.login_template, context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response.render()  # the middleware answers after views: nothing would render it


def minutes_left(request, credentials=None):
    """Whole minutes until the pause ends: until enough of the failures that caused it are
    older than the cool-off (each lock, by username or by address, ends on its own)."""
    limit = get_failure_limit(request, credentials)
    cool_off = get_cool_off(request)
    ends = []
    handler = AxesProxyHandler.get_implementation()
    for attempts in handler.get_user_attempts(request, credentials):
        failures = 0
        for at, count in attempts.order_by("-attempt_time").values_list(
            "attempt_time", "failures_since_start"
        ):
            failures += count
            if failures >= limit:
                ends.append(at + cool_off)
                break
    end = max(ends, default=timezone.now() + cool_off)
    return max(1, math.ceil((end - timezone.now()).total_seconds() / 60))


def _next_url(request):
    return LoginView().get_redirect_url(request)  # only a safe one, as the admin login does


def unlock_signin(*, usernames):
    """Forget the failed sign-ins of these usernames, wherever they came from. A pause of a
    client address (failures for many usernames) is lifted in Access attempts or with
    `manage.py axes_reset_ip`. Returns how many records were removed."""
    return sum(reset(username=username) for username in usernames)
