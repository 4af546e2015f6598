from django import forms


class FeedbackForm(forms.Form):
    q = forms.CharField(max_length=2000, strip=True)
    cited = forms.CharField(max_length=300, required=False)
    helpful = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")])
    intake = forms.CharField(max_length=40, required=False)

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())[:200]

    def clean_cited(self):
        cited = self.cleaned_data["cited"]
        return cited if cited.startswith("/") and not cited.startswith("//") else ""

    def vote(self):
        data = self.cleaned_data
        return {
            "question": data["q"],
            "cited": data["cited"],
            "helpful": data["helpful"] == "yes",
            "from_ticket_form": bool(data.get("intake")),
        }
