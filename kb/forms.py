from django import forms


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        error_messages={"required": "Choose Yes or No."},
    )
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
