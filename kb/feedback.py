"""The "Was this helpful?" widget, shared by guides and runbooks."""

import secrets

from django.conf import settings
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from kb.forms import FeedbackForm
from kb.models import Feedback, OutdatedReport

BROWSER_COOKIE = "hc_browser"
COOKIE_MAX_AGE = 365 * 24 * 3600


def shared_feedback_context(target):
    """The widget as the page shows it to everyone (the page is cached): no vote, no CSRF
    token. htmx fetches the visitor's token when the page loads; without JavaScript the form
    goes by GET to the feedback page, which has this visitor's widget (`show_feedback`)."""
    return {
        "feedback_target": target,
        "feedback_vote": None,
        "feedback_form": FeedbackForm(),
        "feedback_action": target.get_absolute_url() + "feedback/",
        "feedback_just_voted": False,
        "feedback_report": None,
        "feedback_just_reported": False,
        "feedback_shared": True,
        "feedback_unsent": False,
    }


def feedback_context(request, target, form=None, *, just_voted=False, just_reported=False):
    """The widget for this visitor: their vote and a CSRF token (never in a cached page)."""
    browser_id = request.COOKIES.get(BROWSER_COOKIE)
    vote = Feedback.current(target=target, browser_id=browser_id)
    if form is None:
        initial = {"reason": vote.reason} if vote else {}
        form = FeedbackForm(initial=initial)
    return {
        **shared_feedback_context(target),
        "feedback_vote": vote,
        "feedback_form": form,
        "feedback_just_voted": just_voted,
        "feedback_report": OutdatedReport.current(target=target, browser_id=browser_id),
        "feedback_just_reported": just_reported or bool(request.GET.get("reported")),
        "feedback_shared": False,
    }


def show_feedback(request, target, *, render_page):
    """GET: this visitor's widget (htmx), or, without JavaScript, the whole page with it,
    keeping the reason typed on the shared page's form; the answer is sent from here (POST)."""
    if request.htmx:
        response = TemplateResponse(request, "kb/_feedback.html", feedback_context(request, target))
    else:
        vote = Feedback.current(target=target, browser_id=request.COOKIES.get(BROWSER_COOKIE))
        reason = request.GET.get("reason", vote.reason if vote else "")
        form = FeedbackForm(initial={"reason": reason[:500]})
        response = render_page(request, target, feedback_form=form)
        # What the shared form was going to send, now to be sent from here.
        unsent = "outdated" if "outdated" in request.GET else request.GET.get("helpful")
        response.context_data["feedback_unsent"] = (
            unsent if unsent in ("yes", "no", "outdated") else False
        )
    response["X-Robots-Tag"] = "noindex"  # the guide's own URL is the one to index
    return response


def handle_feedback(request, target, *, render_page):
    """Record a vote; answer with the widget (htmx) or send the browser back to the page.

    `render_page(request, target, feedback_form=..., status=...)` renders the whole page
    again when JavaScript is off and the form has an error, keeping what was typed.
    """
    form = FeedbackForm(request.POST)
    browser_id = request.COOKIES.get(BROWSER_COOKIE) or secrets.token_urlsafe(24)
    if form.is_valid():
        outdated = form.cleaned_data["outdated"]
        if outdated:
            OutdatedReport.record(
                target=target, browser_id=browser_id, note=form.cleaned_data["reason"]
            )
        else:
            Feedback.record(
                target=target,
                browser_id=browser_id,
                helpful=form.cleaned_data["helpful"],
                reason=form.cleaned_data["reason"],
            )
        if request.htmx:
            request.COOKIES[BROWSER_COOKIE] = browser_id
            context = feedback_context(
                request, target, just_voted=not outdated, just_reported=outdated
            )
            if outdated:  # the box held the report's note: it is sent, so empty it
                context["feedback_form"] = FeedbackForm()
            response = TemplateResponse(request, "kb/_feedback.html", context)
        else:
            done = "reported" if outdated else "voted"
            response = redirect(target.get_absolute_url() + f"feedback/?{done}=1#feedback")
        _remember_browser(response, browser_id)
        return response
    if request.htmx:
        return TemplateResponse(
            request, "kb/_feedback.html", feedback_context(request, target, form)
        )
    return render_page(request, target, feedback_form=form, status=400)


def _remember_browser(response, browser_id):
    response.set_cookie(
        BROWSER_COOKIE,
        browser_id,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
