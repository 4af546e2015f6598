from django import forms

CODE_ATTRS = {"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,  # a recovery code is 19 characters with its dashes; spaces are allowed
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery "
        "codes.",
        widget=forms.TextInput(attrs={**CODE_ATTRS, "autofocus": True}),
    )
    remember = forms.BooleanField(
        required=False,
        help_text="This browser then skips this step. Leave it unticked on a shared or public "
        "computer.",
    )

    def __init__(self, *args, remember_days=0, **kwargs):
        """`remember_days`: how long "Remember this browser" lasts (0: not offered)."""
        super().__init__(*args, **kwargs)
        if remember_days:
            self.fields["remember"].label = f"Remember this browser for {remember_days} days"
        else:
            del self.fields["remember"]


class SavedCodesForm(forms.Form):
    """The step after new recovery codes: they are not shown again once it is done."""

    saved = forms.BooleanField(
        label="I have saved these codes",
        error_messages={
            "required": "Tick the box once the codes are saved (downloaded, copied or written "
            "down): after this step they are not shown again."
        },
    )


class SetupForm(forms.Form):
    code = forms.RegexField(
        label="6-digit code from the app",
        regex=r"^\s*(\d\s*){6}$",
        max_length=12,
        error_messages={"invalid": "Enter the 6 digits the app shows, for example 123456."},
        widget=forms.TextInput(attrs={**CODE_ATTRS, "inputmode": "numeric"}),
    )
