"""What the admin's lists may filter on from the query string: what each admin declares.

Django's admin takes any lookup on a model's own fields from the URL (`?body__regex=...`,
`?reply_token__startswith=a`). Over a value staff are never shown that is an oracle: a
staff user recovers it a character at a time (a ticket's reply address, a token, a hash).
A list of refused fields cannot keep up with new fields, so this is a list of allowed
parameters, and it is the admin's own declaration:

- the parameters its `list_filter` entries consume (a field's filter takes its own, such as
  `status__exact`, `owner__id__exact`, `updated_at__gte`/`__lt`, `__isnull`; a
  SimpleListFilter its `parameter_name`), and the date hierarchy's `__year`, `__month`,
  `__day`;
- Django's own: search `q`, ordering `o`, page `p`, `all`, `e`, facets, popups (`_popup`,
  `_to_field`, which Django checks) and the raw-id popups' `limit_choices_to` pairs;
- `link_lookups`: lookups the admin's own links filter on besides its list filters (the
  dashboard's "searches for this text in these days");
- `changelist_params`: parameters an admin's own view reads (a report's period), which are
  then never taken as filters.

Anything else is refused with a 400 before the list is read. Values a declared parameter
cannot take are refused as Django refuses any unreadable filter value (IncorrectLookupParameters:
a redirect to the unfiltered list, `?e=1`): date hierarchy parts out of range (read with
core.parsing), and comparisons no column holds (an integer over 64 bits, a time that does
not convert to UTC). The other values a request names rows by get the same checks: the ids
an action is run on, the ids chosen in a many-to-many field, and `?_to_field=` (empty).
"""

from datetime import UTC, datetime

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers, widgets
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db.models.sql.where import WhereNode

from core.parsing import BIGGEST, whole_number

# The date hierarchy's parts; Django's list goes on to the next year, so 9999 is too far.
HIERARCHY = {"year": (1, 9998), "month": (1, 12), "day": (1, 31)}

_checked_changelists = {}


def _popup_lookups(model):
    """The (parameter, value) pairs a raw-id popup sends for `limit_choices_to`."""
    pairs = set()
    for lookup in model._meta.related_fkey_lookups:
        lookup = lookup() if callable(lookup) else lookup
        pairs |= set(widgets.url_params_from_lookup_dict(lookup).items())
    return pairs


def _check_hierarchy(field, params):
    """Django builds the hierarchy's dates from these with no check of its own (year 9999,
    or one over 64 bits, was a 500)."""
    for part, (low, high) in HIERARCHY.items():
        for value in params.get(f"{field}__{part}", ()) if field else ():
            if whole_number(value, low=low, high=high) is None:
                raise IncorrectLookupParameters(f"{field}__{part}={value[:20]!r}")


def _held(value):
    """Whether a database column can hold the value a filter compares with: an integer of
    at most 64 bits (SQLite cannot bind a bigger one), a time that converts to UTC (year 1
    at +14:00 does not, and SQLite converts before comparing)."""
    if isinstance(value, list | tuple | set | frozenset):
        return all(_held(item) for item in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return -BIGGEST - 1 <= value <= BIGGEST
    if isinstance(value, datetime) and value.tzinfo is not None:
        try:
            value.astimezone(UTC)
        except OverflowError:
            return False
    return True


def _is_id(model, value):
    """Whether a list's checkbox value can be one of the model's ids (Django filters the
    list by it as it comes)."""
    try:
        return _held(model._meta.pk.to_python(value))
    except ValidationError:
        return False


class HeldIdsMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A many-to-many choice refuses ids no column holds with its own message (Django checks
    each id by filtering by it, which SQLite cannot bind over 64 bits: a 500)."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        field = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for item in value if isinstance(value, list | tuple) else ():
            try:
                held = _held(field.to_python(item))
            except ValidationError:
                continue  # Django's own message for a value that is no id at all
            if not held:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


def _comparisons(where):
    for child in where.children:
        if isinstance(child, WhereNode):
            yield from _comparisons(child)
        else:
            yield child


def _check_values(queryset):
    """Django parses each filter value by its field (an unreadable one is refused) but
    compares what parses whatever its size: a 500 once the database is asked."""
    for lookup in _comparisons(queryset.query.where):
        value = getattr(lookup, "rhs", None)
        if not _held(value):
            raise IncorrectLookupParameters(f"{lookup.lhs!r}: {str(value)[:20]!r}")


def declared_only(changelist_class):
    """The ChangeList class, refusing any filter parameter no declared filter consumed."""
    if changelist_class not in _checked_changelists:

        class DeclaredOnly(changelist_class):
            def get_filters_params(self, params=None):
                params = super().get_filters_params(params)
                for name in getattr(self.model_admin, "changelist_params", ()):
                    params.pop(name, None)
                return params

            def get_filters(self, request):
                asked = self.get_filters_params()
                _check_hierarchy(self.date_hierarchy, asked)
                result = super().get_filters(request)
                remaining = result[2]  # what no list filter or the date hierarchy took
                declared = set(getattr(self.model_admin, "link_lookups", ()))
                popup = _popup_lookups(self.model)
                for name in (set(asked) & set(remaining)) - declared:
                    if any((name, value) not in popup for value in asked[name]):
                        raise DisallowedModelAdminLookup(f"Filtering by {name} not allowed")
                return result

            def get_queryset(self, request, exclude_parameters=None):
                queryset = super().get_queryset(request, exclude_parameters)
                _check_values(queryset)
                return queryset

        DeclaredOnly.__name__ = DeclaredOnly.__qualname__ = changelist_class.__name__
        _checked_changelists[changelist_class] = DeclaredOnly
    return _checked_changelists[changelist_class]


class DeclaredLookupsMixin:
    """For every ModelAdmin (accounts.sites.StaffAdminSite adds it to each one registered,
    first in its bases). An admin declares, as lists of names, the lookups its own links
    filter on besides its list filters in `link_lookups`, and the query parameters its own
    views read, which are never filters, in `changelist_params` (a report's period)."""

    def get_changelist(self, request, **kwargs):
        return declared_only(super().get_changelist(request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", HeldIdsMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def response_action(self, request, queryset, **kwargs):
        """The rows chosen for an action are ids of the model, or the action is refused as
        Django refuses one with nothing chosen (Django filtered by them as they came: a
        500 for every action of every admin)."""
        chosen = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(_is_id(self.model, value) for value in chosen):
            self.message_user(
                request, "Choose the rows to act on with their checkboxes.", messages.WARNING
            )
            return None
        return super().response_action(request, queryset, **kwargs)

    def get_object(self, request, object_id, from_field=None):
        """`?_to_field=` (empty) names no field: Django checks the field a page is asked to
        find its row by only when it is named, then looked the empty name up (a 500 on
        every change and delete page)."""
        return super().get_object(request, object_id, from_field or None)
