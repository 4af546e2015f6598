from django import forms
from django.template.response import TemplateResponse

from insights import charts, links, report


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        choices=[(n, f"{n} days") for n in report.PERIODS], coerce=int, required=False
    )

    def period(self):
        days = (self.is_valid() and self.cleaned_data["days"]) or report.DEFAULT_PERIOD
        return report.Period.ending(days)


def dashboard_view(request, context):
    """The dashboard (the admin's `insights.Dashboard` page; permission checked there).
    `context`: the admin's own (site header, navigation)."""
    form = PeriodForm(request.GET)
    period = form.period()
    searches = report.searches(period)
    deflection = report.deflection(period)
    scores = report.feedback_scores(period)
    links.decorate(searches, deflection, scores)
    context = {
        **context,
        "title": "Dashboard",
        "period": period,
        "periods": report.PERIODS,
        "period_error": bool(request.GET.get("days")) and not form.is_valid(),
        "report": searches,
        "totals": searches.totals,
        "searches_chart": charts.searches_chart(searches.days),
        "rates_chart": charts.rates_chart(searches.days),
        "searches_desc": charts.describe_searches(searches.days, searches.totals),
        "rates_desc": charts.describe_rates(searches.days, searches.totals),
        "deflection": deflection,
        "scores": scores,
        "answers": report.answers(period),
    }
    return TemplateResponse(request, "admin/insights/dashboard.html", context)
