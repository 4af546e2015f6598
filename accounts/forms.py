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


class SetupForm(forms.Form):
    code = forms.RegexField(
        label="6-digit code from the app",
        regex=r"^\s*(\d\s*){6}$",
        max_length=12,
        error_messages={"invalid": "Enter the 6 digits the app shows, for example 123456."},
        widget=forms.TextInput(attrs={**CODE_ATTRS, "inputmode": "numeric"}),
    )
