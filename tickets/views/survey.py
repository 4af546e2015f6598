""" "How did we do?": the page a survey link in a resolution email opens. It records
nothing until the customer presses a button (mail scanners open links), then asks for an
optional comment."""

from django import forms
from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tickets import satisfaction
from tickets.forms import CountedText, FocusFirstError
from tickets.models import Rating
from tickets.views.common import minutes, rate_limited


class SurveyForm(CountedText, FocusFirstError, forms.Form):
    rating = forms.ChoiceField(choices=Rating.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label="Anything to add? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What went well, or what we should do better.",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request, token):
    ticket = satisfaction.ticket_for(token)
    if ticket is None:
        raise Http404("This survey link does not work")
    chosen = request.GET.get("rating", "")
    status, form = 200, SurveyForm(initial={"rating": chosen})
    if request.method == "POST":
        form = SurveyForm(request.POST)
        wait = rate_limited(request, ("tickets:survey:ip", "ip", "30/h"))
        if wait:
            form.add_error(None, f"Too many answers from your network. Wait {minutes(wait)}.")
            status = 429
        elif form.is_valid():
            comment = form.cleaned_data["comment"] if "comment" in request.POST else None
            satisfaction.record(ticket, form.cleaned_data["rating"], comment=comment)
            done = "commented" if comment is not None else "rated"
            return redirect(f"{reverse('tickets:rate', args=[token])}?{done}=1")
    context = {
        "ticket": ticket,
        "form": form,
        "chosen": chosen if chosen in Rating.values else "",
        "rated": ticket_rating(ticket) if request.GET.get("rated") else None,
        "commented": bool(request.GET.get("commented")),
        "support_email": settings.SUPPORT_EMAIL,
    }
    return TemplateResponse(request, "tickets/survey.html", context, status=status)


def ticket_rating(ticket):
    return getattr(ticket, "satisfaction", None)
