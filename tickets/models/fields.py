"""Custom fields admins define on tickets (text, number, dropdown, checkbox, date): shown on
the contact form or to staff only, optionally required before a ticket is resolved. Values
live in their own table, one row per ticket and field, normalised per type, so a new field
needs no schema change."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

VALUE_MAX_LENGTH = 500
NUMBER_LIMIT = Decimal("1e12")


class FieldKind(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DROPDOWN = "dropdown", "Dropdown"
    CHECKBOX = "checkbox", "Checkbox"
    DATE = "date", "Date"


class CustomFieldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def for_customers(self):
        return self.active().filter(shown_to_customers=True)

    def filterable(self):
        """Fields the queue filters on (a closed set of values); the others are searched."""
        return self.active().filter(kind__in=[FieldKind.DROPDOWN, FieldKind.CHECKBOX])


class CustomField(models.Model):
    label = models.CharField(max_length=80)
    key = models.SlugField(
        max_length=40,
        unique=True,
        help_text="A short name for addresses and rules (letters, digits, hyphens), e.g. "
        "root-cause. The queue filters on it as cf_<key>.",
    )
    kind = models.CharField(max_length=10, choices=FieldKind, default=FieldKind.TEXT)
    choices = models.TextField(
        blank=True, max_length=5000, help_text="Dropdown only: one choice per line."
    )
    help_text = models.CharField(max_length=200, blank=True)
    shown_to_customers = models.BooleanField(
        "on the contact form",
        default=False,
        help_text="Unticked: only staff see and set it, on the ticket page.",
    )
    required_for_customers = models.BooleanField("required on the contact form", default=False)
    required_to_resolve = models.BooleanField(
        default=False,
        help_text="Staff cannot resolve a ticket until it is filled in (a customer marking "
        "their ticket solved, and rules run by the clock, are not held up).",
    )
    active = models.BooleanField(default=True, help_text="Unticked: hidden everywhere.")
    position = models.PositiveSmallIntegerField(default=0)

    objects = CustomFieldQuerySet.as_manager()

    class Meta:
        ordering = ["position", "label", "pk"]

    def __str__(self):
        return self.label

    def choice_list(self):
        seen = []
        for line in self.choices.splitlines():
            line = line.strip()
            if line and line not in seen:
                seen.append(line[:VALUE_MAX_LENGTH])
        return seen

    def clean(self):
        if self.kind == FieldKind.DROPDOWN and not self.choice_list():
            raise ValidationError({"choices": "A dropdown needs at least one choice."})
        if self.kind != FieldKind.DROPDOWN and self.choices.strip():
            raise ValidationError({"choices": "Only a dropdown has choices: empty this box."})
        if self.required_for_customers and not self.shown_to_customers:
            message = "Only a field on the contact form can be required there."
            raise ValidationError({"required_for_customers": message})

    def normalize(self, raw):
        """The stored text of a value typed or chosen ('' for none), or ValidationError
        with a message that says what is expected."""
        text = str(raw if raw is not None else "").replace("\x00", "").strip()
        if self.kind == FieldKind.CHECKBOX:
            return "true" if text.lower() in {"true", "yes", "on", "1"} else ""
        if not text:
            return ""
        if self.kind == FieldKind.TEXT:
            if len(text) > VALUE_MAX_LENGTH:
                raise ValidationError(
                    f"This is {len(text):,} characters long; {self.label} takes up to "
                    f"{VALUE_MAX_LENGTH}."
                )
            return text
        if self.kind == FieldKind.NUMBER:
            return _number(text, self.label)
        if self.kind == FieldKind.DATE:
            return _date(text, self.label)
        for choice in self.choice_list():
            if choice.casefold() == text.casefold():
                return choice
        raise ValidationError(f"Choose one of the choices of {self.label}.")

    def display(self, value):
        if self.kind == FieldKind.CHECKBOX:
            return "Yes" if value else "No"
        return value or "—"


def _number(text, label):
    try:
        number = Decimal(text.replace(" ", "").replace("_", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise ValidationError(f"{label} takes a number, like 12 or 3.5.")
    return format(number.normalize() if number else Decimal(0), "f")


def _date(text, label):
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2999:
        raise ValidationError(f"{label} takes a date, like 2026-12-01.")
    return day.isoformat()


def as_number(value):
    """A stored number or date as something comparable (rules compare them), or None."""
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        pass
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class CustomFieldValue(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="field_values"
    )
    field = models.ForeignKey(CustomField, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(max_length=VALUE_MAX_LENGTH)

    class Meta:
        ordering = ["field__position", "field__label", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "field"], name="one_value_per_field")
        ]
        indexes = [models.Index(fields=["field", "value"])]

    def __str__(self):
        return f"{self.field}: {self.value}"


class WithCustomFields:
    """Ticket's custom-field methods."""

    def field_values_by_key(self):
        """{field key: stored value}."""
        return dict(self.field_values.values_list("field__key", "value"))

    def set_field_values(self, values, *, by=None, reason=""):
        """Store {CustomField: value} (values already normalised; '' removes one), logging
        each change. Returns the labels of the fields that changed."""
        stored = {v.field_id: v for v in self.field_values.select_related("field")}
        changed = []
        for definition, value in values.items():
            old = stored.get(definition.pk)
            old_value = old.value if old else ""
            if value == old_value:
                continue
            if not value:
                old.delete()
            elif old:
                old.value = value
                old.save(update_fields=["value"])
            else:
                CustomFieldValue.objects.create(ticket=self, field=definition, value=value)
            self.events.create(
                actor=by,
                field=definition.label[:30],
                old_value=definition.display(old_value)[:200] if old_value else "",
                new_value=definition.display(value)[:200] if value else "",
                reason=reason[:200],
            )
            changed.append(definition.label)
        if changed:
            self.updated_at = timezone.now()
            self.save(update_fields=["updated_at"])
            self.refresh_search_text()
        return changed

    def missing_to_resolve(self, pending=None):
        """Labels of the fields required to resolve that have no value; `pending`
        ({CustomField: value}) are values about to be saved."""
        pending = {field.pk: value for field, value in (pending or {}).items()}
        filled = set(self.field_values.values_list("field_id", flat=True)) if self.pk else set()
        missing = []
        for definition in CustomField.objects.active().filter(required_to_resolve=True):
            value = pending.get(definition.pk)
            has = bool(value) if definition.pk in pending else definition.pk in filled
            if not has:
                missing.append(definition.label)
        return missing
