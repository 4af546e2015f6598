"""The public page of one article, a guide or a runbook: what the views of both apps share
(who may see it, the page with its feedback widget, the feedback URL's two methods)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from accounts.staff import acting_staff
from kb.feedback import feedback_context, handle_feedback, shared_feedback_context, show_feedback


def get_visible(request, queryset, slug):
    """Published articles for everyone; the others only for their editors, who preview them
    once fully signed in (accounts.staff.acting_staff). Only a page that is not public asks
    who is asking: reading the user reads the session, and the page would no longer be
    served from the shared cache."""
    article = get_object_or_404(queryset, slug=slug)
    if article.is_published:
        return article
    if not article.is_visible_to(acting_staff(request)):
        raise Http404("No such page")
    return article


def render_article(request, template, article, context, *, feedback_form=None, status=200):
    """The page with the feedback widget: the shared one (the page is cached) unless a form is
    given (this visitor's widget: the feedback page, or a form with errors)."""
    widget = (
        feedback_context(request, article, feedback_form)
        if feedback_form is not None
        else shared_feedback_context(article)
    )
    return TemplateResponse(request, template, {**context, **widget}, status=status)


def respond_to_feedback(request, article, *, render_page):
    if request.method == "POST":
        return handle_feedback(request, article, render_page=render_page)
    return show_feedback(request, article, render_page=render_page)
