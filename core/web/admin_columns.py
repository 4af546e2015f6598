"""How the staff side writes moments: one format everywhere in the admin."""

from django.contrib import admin
from django.utils import timezone


def when(value):
    """A moment: local time, year first, to the minute."""
    if value is None:
        return "—"
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def moment_column(field, description):
    """A list column showing a datetime field the one way the admin writes moments."""

    def column(self, obj):
        return when(getattr(obj, field))

    return admin.display(description=description, ordering=field)(column)
