"""What the reports page is asked for: a period (the last 7, 30 or 90 days, or from one day
to another) and the dimension of its breakdown. Anything else gets a message, never a 500."""

from datetime import date

from django import forms
from django.utils import timezone

from insights.report import Period

PERIODS = (7, 30, 90)
DEFAULT_DAYS = 30
LONGEST = 366  # days in a custom range: a year's charts still read
EARLIEST = date(2000, 1, 1)

DIMENSIONS = {
    "channel": "Channel",
    "category": "Category",
    "group": "Group",
    "organization": "Organization",
    "tag": "Tag",
    "agent": "Agent",
}
DEFAULT_BY = "channel"


class ReportForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Period",
        choices=[(n, f"Last {n} days") for n in PERIODS],
        coerce=int,
        required=False,
    )
    start = forms.DateField(label="From", required=False, widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput({"type": "date"}))
    by = forms.ChoiceField(label="By", choices=list(DIMENSIONS.items()), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if self.errors or (start is None and end is None):
            return data
        today = timezone.localdate()
        if start is None or end is None:
            raise forms.ValidationError("A custom range needs both a first and a last day.")
        if end < start:
            raise forms.ValidationError("The last day comes before the first day.")
        if start < EARLIEST or end > today:
            raise forms.ValidationError(
                f"Choose days from {EARLIEST:%-d %b %Y} to today ({today:%-d %b %Y})."
            )
        if (end - start).days + 1 > LONGEST:
            raise forms.ValidationError(f"A custom range is at most {LONGEST} days long.")
        return data

    def choice(self):
        """(Period, dimension): what was asked when it is valid, else the parts that are
        (the last 30 days, by channel, for the rest)."""
        valid = self.is_valid()
        data = self.cleaned_data if valid else {}
        by = data.get("by") or (self.data.get("by") if self.data.get("by") in DIMENSIONS else "")
        if data.get("start"):
            first, last = data["start"], data["end"]
            period = Period(days=(last - first).days + 1, first=first, last=last)
        else:
            period = Period.ending(data.get("days") or DEFAULT_DAYS)
        return period, by or DEFAULT_BY

    def messages(self):
        """What was wrong with the request, in words (empty when nothing)."""
        if not self.is_bound or self.is_valid():
            return []
        found = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            found += [f"{label}: {e}" if label else e for e in errors]
        return found


def custom(period):
    """Whether a period is a custom range (not the last 7, 30 or 90 days to today)."""
    today = timezone.localdate()
    return not (period.last == today and period.days in PERIODS)
