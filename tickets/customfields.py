"""Custom fields in forms (the contact form, the ticket page), in the queue (filters and
search) and in the report: one form field per definition, whose cleaning is the model's own
(CustomField.normalize), so a value is checked the same way wherever it comes from."""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from tickets.models import CustomField, CustomFieldValue, FieldKind, Ticket

PREFIX = "cf_"


def name_for(definition):
    return f"{PREFIX}{definition.key}"


class CustomValueField(forms.Field):
    """A form field for one custom field: the widget fits its kind, the value is the
    model's normal form of it."""

    def __init__(self, definition, *, required=False, **kwargs):
        self.definition = definition
        kind = definition.kind
        if kind == FieldKind.DROPDOWN:
            choices = [("", "—"), *((c, c) for c in definition.choice_list())]
            widget = forms.Select(choices=choices)
        elif kind == FieldKind.CHECKBOX:
            widget = forms.CheckboxInput
        elif kind == FieldKind.DATE:
            widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        elif kind == FieldKind.NUMBER:
            widget = forms.TextInput(attrs={"inputmode": "decimal"})
        else:
            widget = forms.TextInput
        super().__init__(
            label=definition.label,
            help_text=definition.help_text,
            required=required,
            widget=widget,
            **kwargs,
        )

    def to_python(self, value):
        if self.definition.kind == FieldKind.CHECKBOX:
            value = "true" if value else ""
        return self.definition.normalize(value)

    def prepare_value(self, value):
        if self.definition.kind == FieldKind.CHECKBOX:
            return bool(value)
        return value


def add_fields(form, definitions, *, for_customers=False, initial=None):
    """Add a form field per definition to `form` (`initial`: {key: stored value})."""
    for definition in definitions:
        required = for_customers and definition.required_for_customers
        field = CustomValueField(definition, required=required)
        if initial and definition.key in initial:
            field.initial = initial[definition.key]
        form.fields[name_for(definition)] = field


def values_from(form):
    """{CustomField: normalised value} of the custom fields in a cleaned form."""
    return {
        field.definition: form.cleaned_data.get(name, "")
        for name, field in form.fields.items()
        if isinstance(field, CustomValueField) and name in form.cleaned_data
    }


def bound_fields(form):
    return [
        form[name] for name, field in form.fields.items() if isinstance(field, CustomValueField)
    ]


# The queue.
def value_q(key, value):
    """Tickets whose field `key` has `value` (for a checkbox: "true" ticked, "false" not)."""
    if key and value == "false":
        return ~Q(
            Exists(
                CustomFieldValue.objects.filter(ticket=OuterRef("pk"), field__key=key, value="true")
            )
        )
    return Q(
        Exists(CustomFieldValue.objects.filter(ticket=OuterRef("pk"), field__key=key, value=value))
    )


# The report.
def _queue_query(definition, value):
    """The queue's address for the tickets with this value (a filter, or the search)."""
    if definition.kind in (FieldKind.DROPDOWN, FieldKind.CHECKBOX):
        return urlencode({"status__exact": "all", name_for(definition): value})
    return urlencode({"status__exact": "all", "q": value})


def report(days=30, now=None):
    """Per active field, of the tickets opened in the last `days`: how many have each value
    (the 20 most frequent), and how many have none."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    total = Ticket.objects.filter(created_at__gte=since).count()
    rows = (
        CustomFieldValue.objects.filter(ticket__created_at__gte=since, field__active=True)
        .values("field", "value")
        .annotate(tickets=Count("ticket"))
        .order_by("field", "-tickets", "value")
    )
    by_field = {}
    for row in rows:
        by_field.setdefault(row["field"], []).append(row)
    fields = []
    for definition in CustomField.objects.active():
        counts = by_field.get(definition.pk, [])
        filled = sum(row["tickets"] for row in counts)
        fields.append(
            {
                "field": definition,
                "values": [
                    {
                        "value": definition.display(row["value"]),
                        "tickets": row["tickets"],
                        "share": round(100 * row["tickets"] / total) if total else 0,
                        "query": _queue_query(definition, row["value"]),
                    }
                    for row in counts[:20]
                ],
                "more": max(len(counts) - 20, 0),
                "empty": total - filled,
                "empty_share": round(100 * (total - filled) / total) if total else 0,
            }
        )
    return {"days": days, "total": total, "fields": fields}
