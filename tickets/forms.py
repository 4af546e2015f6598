import functools
import re
import time
import zoneinfo
from datetime import UTC, datetime, timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone

from core.addresses import validate_address_key
from core.categories import SupportCategory
from tickets import attachments, customfields
from tickets.models import CustomField, Ticket

STARTED_SALT = "tickets.form-started"
# The earliest "approximate time" taken: older is a typing slip (and year 1 in a zone east
# of UTC is before the first representable instant).
EARLIEST_OCCURRED = datetime(2000, 1, 1)

HINTS = {
    "name": "So we know how to address you.",
    "email": "We answer here, and send the private link to your ticket.",
    "subject": "One line, like the title of a bug report.",
    "category": "Routes your ticket to the right people.",
    "error_message": "Paste it exactly, including the error code (for example billing_required).",
    "endpoint": "For API problems, for example /v1/chat/completions.",
    "request_id": "From the x-request-id response header or the dashboard's request log: "
    "it lets us find your request in our logs.",
    "reproducibility": "Tells us whether we can reproduce it, or must look at the logs.",
    "plan": "Limits and features differ by plan.",
    "model_name": "Routing and availability differ by model.",
    "occurred_at": "Approximate is fine: we search the logs around this time.",
    "occurred_tz": "A name like Europe/Berlin or America/New_York, or UTC.",
    "description": "What you did, what you expected, what happened instead.",
}


@functools.cache
def time_zones():
    """IANA zone names by lower-case name (the lookup is slow; names are typed by hand)."""
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def signed_start(now=None):
    return signing.dumps(now if now is not None else time.time(), salt=STARTED_SALT)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input; each is checked by its content (tickets.attachments)
    and the field's errors name each file refused and why."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > settings.TICKET_ATTACHMENTS_PER_MESSAGE:
            raise forms.ValidationError(
                f"Attach at most {settings.TICKET_ATTACHMENTS_PER_MESSAGE} files at a time."
            )
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append((upload, *attachments.check_upload(super().clean(upload))))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        self.accepted = checked  # kept even when others are refused
        if errors:
            raise forms.ValidationError(errors)
        return checked


FILES_HELP = "Screenshots, HAR files or logs: up to {count} files of {size} each ({accepted})."


def files_field(label="Add files"):
    return FilesField(
        label=label,
        help_text=FILES_HELP.format(
            count=settings.TICKET_ATTACHMENTS_PER_MESSAGE,
            size=filesizeformat(settings.TICKET_ATTACHMENT_MAX_BYTES),
            accepted=attachments.ACCEPTED,
        ),
    )


class FocusFirstError:
    """A form that comes back with errors puts the cursor in the first field to fix, so
    keyboard and screen reader users land on it (with or without JavaScript)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is None or widget.is_hidden:
                continue
            if getattr(widget, "input_type", "") not in ("radio", "checkbox"):  # one element
                widget.attrs["autofocus"] = True
            break


class CountedText:
    """Long text fields keep everything pasted into them: no `maxlength` for the browser to
    cut at silently. A counter says how much fits (static/js/counter.js keeps it live), and
    a text over the limit comes back with an error saying by how much, its text kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea) and field.max_length:
                auto_id = self.auto_id % self.add_prefix(name)
                described = [f"{auto_id}_helptext"] if field.help_text else []
                field.widget.attrs["aria-describedby"] = " ".join(
                    [*described, f"{auto_id}_counter"]
                )
                field.widget.attrs.pop("maxlength", None)
                field.widget.attrs["data-limit"] = field.max_length
                field.counted_limit = f"{field.max_length:,}"
                field.error_messages["max_length"] = (
                    "This is %(show_value)s characters long; the limit is %(limit_value)s. "
                    "Shorten it, or attach the rest as a file."
                )

    def clean(self):
        cleaned = super().clean()
        for name, errors in self.errors.items():  # thousands separators in the message
            field = self.fields.get(name)
            if field is not None and getattr(field, "counted_limit", None):
                errors[:] = [
                    re.sub(r"\b\d{4,}\b", lambda m: f"{int(m.group()):,}", e) for e in errors
                ]
        return cleaned


class TicketForm(CountedText, FocusFirstError, forms.ModelForm):
    """The contact form. Fields follow the seed's escalation checklist."""

    occurred_at = forms.DateTimeField(
        label="When did it happen?",
        required=False,
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "min": f"{EARLIEST_OCCURRED:%Y-%m-%dT%H:%M}"},
            format="%Y-%m-%dT%H:%M",
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    # Spam traps: a field people never see, and the time the form was shown (signed).
    files = files_field()
    website = forms.CharField(required=False, label="Leave this field empty")
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    intake = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)

    class Meta:
        model = Ticket
        fields = [
            "name",
            "email",
            "subject",
            "category",
            "error_message",
            "endpoint",
            "request_id",
            "reproducibility",
            "plan",
            "model_name",
            "occurred_at",
            "occurred_tz",
            "description",
        ]
        labels = {
            "name": "Your name",
            "email": "Email",
            "error_message": "Exact error message",
            "endpoint": "Endpoint path",
            "request_id": "Request ID",
            "reproducibility": "How often does it happen?",
            "model_name": "Model name",
            "occurred_tz": "Time zone",
        }
        widgets = {
            "error_message": forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
            "description": forms.Textarea(attrs={"rows": 7}),
            "reproducibility": forms.RadioSelect,
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "request_id": forms.TextInput(attrs={"spellcheck": "false"}),
            "endpoint": forms.TextInput(attrs={"spellcheck": "false"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reproducibility"].choices = self.fields["reproducibility"].choices[1:]
        self.fields["category"].required = False  # only email, subject and description are
        self.fields["email"].validators.append(validate_address_key)
        for name, field in self.fields.items():
            if name in HINTS:
                field.help_text = HINTS[name]
        # The custom fields admins show on the form (after the checklist's own).
        customfields.add_fields(self, CustomField.objects.for_customers(), for_customers=True)
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["subject"].widget.attrs["autocomplete"] = "off"
        # While the subject or error is typed, refresh "These may solve it".
        for name in ("subject", "error_message"):
            self.fields[name].widget.attrs.update(
                {
                    "data-hx-get": reverse("tickets:ticket-suggestions"),
                    "data-hx-trigger": "input changed delay:400ms",
                    "data-hx-target": "#suggestions",
                    "data-hx-swap": "innerHTML",
                    "data-hx-include": "#id_subject, #id_error_message, #id_intake, "
                    "#from-runbook-slug",
                    "data-hx-sync": "closest form:replace",
                }
            )

    def custom_fields(self):
        return customfields.bound_fields(self)

    def field_values(self):
        return customfields.values_from(self)

    def clean_occurred_at(self):
        """Bounded on the clock time as typed, before any time zone is applied: converting a
        far date can overflow (year 1 at +14:00, typed with an offset, is before year 1 in
        UTC)."""
        value = self.cleaned_data["occurred_at"]
        if value is None:
            return None
        naive = value.replace(tzinfo=None)
        if naive < EARLIEST_OCCURRED:
            raise forms.ValidationError(
                f"Enter a date from {EARLIEST_OCCURRED.year} onwards.", code="too_early"
            )
        if naive > datetime.now(UTC).replace(tzinfo=None) + timedelta(days=2):
            raise forms.ValidationError(
                "This time is in the future. When did it happen?", code="future"
            )
        return value

    def clean_category(self):
        return self.cleaned_data.get("category") or SupportCategory.OTHER

    def clean_occurred_tz(self):
        value = self.cleaned_data["occurred_tz"].strip()
        if not value:
            return ""
        if value.upper() in {"UTC", "GMT", "Z"}:
            return "UTC"
        name = time_zones().get(value.lower())
        if name is None:
            raise forms.ValidationError(
                "We don't know this time zone. Use a name like Europe/Berlin or UTC."
            )
        return name

    def clean(self):
        cleaned = super().clean()
        occurred = cleaned.get("occurred_at")
        tz_name = cleaned.get("occurred_tz")
        if occurred and tz_name:
            # The browser's local time in the customer's zone, not the server's.
            naive = timezone.make_naive(occurred) if timezone.is_aware(occurred) else occurred
            occurred = cleaned["occurred_at"] = naive.replace(tzinfo=zoneinfo.ZoneInfo(tz_name))
        # Without a zone the time may be any zone's: only refuse what is future everywhere.
        slack = timedelta(minutes=10) if tz_name else timedelta(hours=14, minutes=10)
        if occurred and occurred > timezone.now() + slack:
            self.add_error("occurred_at", "This time is in the future. When did it happen?")
        return cleaned

    # Spam checks, kept apart from field validation: they never show a field error.
    def is_honeypot_filled(self):
        return bool(self.data.get("website"))

    def seconds_since_start(self):
        try:
            started = signing.loads(self.data.get("started", ""), salt=STARTED_SALT)
            return time.time() - float(started)
        except (signing.BadSignature, TypeError, ValueError):
            return None

    def too_fast(self):
        elapsed = self.seconds_since_start()
        return elapsed is None or elapsed < settings.TICKET_MIN_FILL_SECONDS

    def too_old(self):
        """Opened longer ago than TICKET_FORM_MAX_AGE_SECONDS: a start time is not a pass
        for ever."""
        elapsed = self.seconds_since_start()
        return elapsed is not None and elapsed > settings.TICKET_FORM_MAX_AGE_SECONDS


class ReplyForm(CountedText, FocusFirstError, forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    files = files_field()

    def clean(self):
        cleaned = super().clean()
        empty = not (cleaned.get("body") or "").strip() and not cleaned.get("files")
        if empty and "body" not in self.errors and "files" not in self.errors:
            self.add_error("body", "Write your reply, or attach a file.")
        return cleaned


class LostLinkForm(FocusFirstError, forms.Form):
    email = forms.EmailField(
        label="Email you used for the ticket",
        max_length=254,
        validators=[validate_address_key],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
