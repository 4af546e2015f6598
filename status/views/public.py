import hashlib
from functools import cache, wraps
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from kb.models import Guide
from mail.links import absolute
from runbooks.models import Runbook
from status import api, state, uptime
from status.models import Component, Incident

API_MAX_AGE = 30
# White text on these passes WCAG AA (4.5:1).
BADGE_COLOURS = {
    "none": "#146c2e",
    "maintenance": "#1f4fd1",
    "minor": "#7a4b00",
    "major": "#a13c00",
    "critical": "#b3261e",
}
EMBED_SCRIPT = Path(settings.BASE_DIR) / "static" / "status" / "embed.js"


def public(max_age):
    """For responses other sites read: any origin, shared caches welcome.

    These views never touch the session, the user or the CSRF token, so no cookie is set
    and no `Vary: Cookie` is added (tests pin that).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["Access-Control-Allow-Origin"] = "*"
            response["Cache-Control"] = f"public, max-age={max_age}"
            return response

        return wrapped

    return decorator


def conditional(request, body, etag, content_type):
    """200 with the body, or 304 when If-None-Match names this version (weak comparison, as
    RFC 9110 asks for GET: a proxy that compresses turns our ETag into W/"...")."""
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        body, content_type=content_type
    )
    response["ETag"] = etag
    return response


# --------------------------------------------------------------------------- pages


@require_safe
def status_page(request):
    tree = Component.objects.tree()
    components = [c for _, children in tree for c in children]
    uptimes = uptime.uptime_by_component(components)
    for component in components:
        component.uptime = uptimes[component.pk]
    incidents = Incident.objects.incidents()
    context = {
        "state": state.status_state(),
        "tree": tree,
        "incidents": incidents.unresolved().with_details(),
        "active_maintenances": Incident.objects.in_progress().with_details(),
        "upcoming_maintenances": Incident.objects.upcoming().with_details(),
        "past_incidents": incidents.resolved().with_details()[:10],
        "uptime_days": uptime.UPTIME_DAYS,
        "embed_script_url": absolute(reverse("status:embed-script")),
    }
    return TemplateResponse(request, "status/status_page.html", context)


HISTORY_MONTHS = 12
HISTORY_PAGES = 10


@require_safe
def uptime_history(request):
    """Per-component uptime, month by month (12 a page, or one: ?month=2026-11), with the
    incidents of each month."""
    try:
        page = min(max(int(request.GET.get("page", "1")), 1), HISTORY_PAGES)
    except ValueError:
        page = 1
    today = timezone.localdate()
    first_record = uptime.first_record_date() or today
    # Every month there is history for (as far back as the pages go), to jump to one.
    every_month = [
        f
        for f in uptime.months_back(today, HISTORY_MONTHS * HISTORY_PAGES)
        if f >= first_record.replace(day=1)
    ]
    month = uptime.parse_month(request.GET.get("month"))
    if month not in every_month:
        month = None
    if month:
        firsts = [month]
    else:
        firsts = uptime.months_back(today, HISTORY_MONTHS, skip=(page - 1) * HISTORY_MONTHS)
        firsts = [f for f in firsts if f >= first_record.replace(day=1)]
    components = [c for _, children in Component.objects.tree() for c in children]
    months = uptime.monthly_uptime(components, firsts)
    older = bool(firsts) and page < HISTORY_PAGES and firsts[-1] > first_record.replace(day=1)
    at = every_month.index(month) if month else None
    context = {
        "months": months,
        "page": page,
        "newer_page": page - 1 if page > 1 and not month else None,
        "older_page": page + 1 if older and not month else None,
        "month": month,
        "every_month": every_month,
        "newer_month": every_month[at - 1] if month and at > 0 else None,
        "older_month": every_month[at + 1] if month and at + 1 < len(every_month) else None,
        "components": components,
    }
    return TemplateResponse(request, "status/uptime_history.html", context)


@require_safe
def incident_detail(request, code):
    incident = get_object_or_404(
        Incident.objects.with_details().prefetch_related(
            Prefetch("guides", queryset=Guide.objects.published()),
            Prefetch("runbooks", queryset=Runbook.objects.published()),
        ),
        code=code,
    )
    return TemplateResponse(request, "status/incident_detail.html", {"incident": incident})


# --------------------------------------------------------------------------- Statuspage API


@csrf_exempt
@public(API_MAX_AGE)
def api_document(request, name):
    if request.method == "OPTIONS":  # a CORS preflight: GET and HEAD only, no credentials
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Max-Age"] = "86400"
        return response
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse({"error": "Method not allowed", "status": 405}, status=405)
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response
    body, etag = api.api_document(name)
    return conditional(request, body, etag, "application/json")


@csrf_exempt
@public(API_MAX_AGE)
def api_not_found(request, rest=""):
    return JsonResponse({"error": "Not found", "status": 404}, status=404)


# --------------------------------------------------------------------------- embeds


@cache
def _embed_script():
    body = EMBED_SCRIPT.read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@require_safe
@public(300)
def embed_script(request):
    body, etag = _embed_script()
    return conditional(request, body, etag, "text/javascript; charset=utf-8")


def _frame_policy():
    return {
        "default-src": [CSP.NONE],
        "script-src": [CSP.SELF],  # frame.js: refreshes the status
        "connect-src": [CSP.SELF],
        "style-src": [CSP.SELF],
        "img-src": [CSP.SELF],
        "base-uri": [CSP.NONE],
        "form-action": [CSP.NONE],
        "frame-ancestors": settings.STATUS_EMBED_FRAME_ANCESTORS,
    }


@require_safe
@xframe_options_exempt
@public(API_MAX_AGE)
def embed_frame(request):
    response = TemplateResponse(request, "status/embed_frame.html", {"state": state.status_state()})
    response._csp_config = _frame_policy()  # frame-ancestors from settings
    return response


@require_safe
@public(60)
@csp_override({"default-src": [CSP.NONE]})
def badge_svg(request):
    current = state.status_state()
    context = {
        "state": current,
        "colour": BADGE_COLOURS[current["indicator"]],
        "width": 64 + 7 * len(current["description"]),  # Verdana 11px is about 7px a letter
    }
    body = render_to_string("status/badge.svg", context).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return conditional(request, body, etag, "image/svg+xml")
