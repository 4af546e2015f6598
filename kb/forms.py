from django import forms


class FeedbackForm(forms.Form):
    """Yes or No with an optional reason; or, instead of an answer, "this page is out of date"
    (the reason then says what is out of date)."""

    helpful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        required=False,
        empty_value=None,
    )
    outdated = forms.BooleanField(required=False)
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        label="What could be better? (optional)",
        error_messages={
            "max_length": "Keep the reason under %(limit_value)d characters "
            "(it has %(show_value)d)."
        },
    )

    def clean(self):
        cleaned = super().clean()
        answered = cleaned.get("outdated") or cleaned.get("helpful") is not None
        if not answered and "helpful" not in self.errors:
            self.add_error("helpful", "Choose Yes or No.")
        return cleaned
