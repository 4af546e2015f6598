from django import forms

MAX_QUERY_LENGTH = 2000  # search itself uses the first 200 and says so


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True)
    tag = forms.SlugField(required=False)
    # "Search instead for" the words as typed: no typo correction.
    exact = forms.BooleanField(required=False)

    def clean_q(self):
        # Over-long input is cut rather than refused: a pasted error body still searches.
        return " ".join(self.cleaned_data["q"].split())[:MAX_QUERY_LENGTH]

    # Each field stands alone: a malformed tag in the URL drops the tag, not the query.
    @property
    def query(self):
        self.is_valid()
        return self.cleaned_data.get("q", "")

    @property
    def tag_slug(self):
        self.is_valid()
        return self.cleaned_data.get("tag", "")

    @property
    def is_exact(self):
        self.is_valid()
        return self.cleaned_data.get("exact", False)
