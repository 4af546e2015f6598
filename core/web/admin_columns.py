"""How the staff side writes moments: one format everywhere in the admin."""

from django.contrib import admin
from django.utils import timezone


def when(value):
    """A moment: in the reader's zone (the one active), year first, to the minute, with the
    zone's abbreviation ("2026-12-07 14:03 CET")."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return f"{local:%Y-%m-%d %H:%M} {local:%Z}"


def moment_column(field, description):
    """A list column showing a datetime field the one way the admin writes moments."""

    def column(self, obj):
        return when(getattr(obj, field))

    return admin.display(description=description, ordering=field)(column)
