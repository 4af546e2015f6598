"""What the admin's changelist may filter on from the query string.

Django's admin accepts any lookup on a model's own fields in the URL (`?body__regex=...`).
Over free text that is an oracle: a staff user can recover, character by character, a value
they are never shown (a private link in an email, a token, a password hash). Filters the
admin offers (list_filter, date_hierarchy, related links) use none of the refused ones.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP

# Fields that hold message text, secrets or their hashes, whatever their type.
SECRET_NAMES = {"password", "token_hash", "key", "secret", "token", "session_key"}
# Lookups that probe a value piece by piece.
PROBING_LOOKUPS = {"regex", "iregex"}


def lookup_is_safe(model, lookup):
    """False for a lookup that touches free text or a secret, or that probes with a regex."""
    parts = lookup.split(LOOKUP_SEP)
    if PROBING_LOOKUPS & set(parts):
        return False
    for part in parts:
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return True  # a transform or lookup name: what came before was checked
        if part in SECRET_NAMES or isinstance(field, models.TextField | models.JSONField):
            return False
        if not field.is_relation or field.related_model is None:
            return True
        model = field.related_model
    return True


class SafeLookupsMixin:
    """For every ModelAdmin (accounts.sites.StaffAdminSite adds it to each one registered)."""

    def lookup_allowed(self, lookup, value, request):
        return lookup_is_safe(self.model, lookup) and super().lookup_allowed(lookup, value, request)
