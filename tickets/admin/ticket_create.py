""" "New ticket" in the queue: an agent opens a ticket for a customer who called, chatted or
wrote elsewhere. The admin's add page, with its own form; tickets.services.open_for_customer
stores it."""

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from tickets import services
from tickets.models import Channel, Ticket

AUDIENCES = [
    ("customer", "The customer’s words (shown to them on their ticket)"),
    ("note", "An internal note (staff only)"),
]


class NewTicketForm(forms.ModelForm):
    """What an agent types for a customer. The requester is typed, or picked from the
    customers who wrote last (a list the browser offers as they type: no script)."""

    channel = forms.ChoiceField(
        label="How did they reach you?",
        choices=[(c.value, c.label) for c in services.AGENT_CHANNELS],
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
    )
    first_message = forms.CharField(
        label="First message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text="What the customer asked, in their words as you took them down, or your "
        "own note.",
    )
    first_message_is = forms.ChoiceField(
        label="The first message is",
        choices=AUDIENCES,
        initial="customer",
        widget=forms.RadioSelect,
    )
    acknowledge = forms.BooleanField(
        label="Email the customer that their request is open, with its private link",
        required=False,
        initial=True,
    )

    class Meta:
        model = Ticket
        fields = ["email", "name", "subject", "category", "priority"]
        labels = {"email": "Customer’s email", "name": "Customer’s name"}
        help_texts = {
            "email": "Start typing: customers who wrote before are offered.",
            "name": "Leave empty for the name they gave before.",
        }
        widgets = {"email": forms.EmailInput(attrs={"list": "known-customers"})}


class TicketCreate:
    """ModelAdmin methods of the add page."""

    add_form_template = "admin/tickets/ticket/add_form.html"
    add_fieldsets = [
        ("Customer", {"fields": ["email", "name", "channel"]}),
        ("Request", {"fields": ["subject", "category", "priority"]}),
        ("Conversation", {"fields": ["first_message_is", "first_message", "acknowledge"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            return NewTicketForm
        return super().get_form(request, obj, change, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        if add:
            context["known_customers"] = Ticket.objects.known_customers()
        return super().render_change_form(request, context, add, change, **kwargs)

    def open_ticket(self, request, ticket, form):
        data = form.cleaned_data
        ticket.description = data["first_message"]
        services.open_for_customer(
            ticket,
            agent=request.user,
            channel=data["channel"],
            as_note=data["first_message_is"] == "note",
            acknowledge=data["acknowledge"],
        )

    def response_add(self, request, obj, post_url_continue=None):
        told = " and emailed them its link" if request.POST.get("acknowledge") else ""
        self.message_user(
            request, f"Opened {obj.reference} for {obj.email}{told}.", messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:tickets_ticket_change", args=[obj.pk]))
