"""Paused sign-in after repeated failures (django-axes, configured in settings: AXES_*)."""

import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.utils import reset
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import LoginView
from django.template.response import TemplateResponse
from django.utils import timezone


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
