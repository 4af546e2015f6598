"""The support reports page (the admin's `insights.SupportReport`, permission checked there)
and its tables as CSV files (`?export=<table>` with the page's own parameters)."""

from urllib.parse import urlencode

from django.template.response import TemplateResponse

from core import csvstream
from insights import charts
from insights.support import report as reports
from insights.support.period import DIMENSIONS, PERIODS, ReportForm, custom

TABLES = {
    "days": "Day by day",
    "breakdown": "Breakdown",
    "service-levels": "Service levels",
    "backlog-age": "Backlog by age",
    "workload": "Agent workload",
}


def _hours(seconds):
    return round(seconds / 3600, 2) if seconds is not None else None


def _figures_header(label):
    return [
        label,
        "Created",
        "Solved",
        "Backlog now",
        "Waiting on support now",
        "First responses",
        "First response median (business hours)",
        "First response 90th percentile (business hours)",
        "Resolution median (business hours)",
        "Resolution 90th percentile (business hours)",
        "Solved within response target",
        "Solved within resolution target",
        "Good ratings",
        "Bad ratings",
        "Satisfaction (% good)",
    ]


def _figures_row(row):
    return [
        row.label,
        row.created,
        row.solved,
        row.backlog,
        row.waiting,
        row.first_response.get("count", 0),
        _hours(row.first_response.get(50)),
        _hours(row.first_response.get(90)),
        _hours(row.resolution.get(50)),
        _hours(row.resolution.get(90)),
        row.response_met,
        row.resolution_met,
        row.good,
        row.bad,
        row.csat,
    ]


def table(name, period, by):
    """(header, rows) of one of the page's tables, without links."""
    if name == "days":
        counts = reports.source()
        report_days = counts.days(period, counts.measures(period)["__all__"].backlog)
        header = ["Day", "Created", "Solved", "Backlog at the end of the day (estimate)"]
        return header, ([d.day.isoformat(), d.created, d.solved, d.backlog] for d in report_days)
    if name == "breakdown":
        rows = reports.breakdown(period, by)
        return _figures_header(DIMENSIONS[by]), (_figures_row(r) for r in rows)
    if name == "workload":
        rows = reports.workload(period)
        header = [
            "Agent",
            "Created",
            "Solved",
            "Backlog now",
            "Waiting on support now",
            "Replies sent",
            "Solved within response target",
            "Solved within resolution target",
        ]
        return header, (
            [r.label, r.created, r.solved, r.backlog, r.waiting, r.replies]
            + [r.response_met, r.resolution_met]
            for r in rows
        )
    if name == "service-levels":
        rows = reports.service_levels(period)
        header = ["Target", "Priority", "Solved", "Met", "Missed", "Met (%)"]
        keys = ("target", "priority", "solved", "met", "missed", "rate")
        return header, ([r[k] for k in keys] for r in rows)
    ages, *_ = reports.figures.backlog_ages()
    return ["Opened", "Unfinished tickets"], ([a.label, a.count] for a in ages)


def support_report_view(request, context):
    """`context`: the admin's own (site header, navigation)."""
    form = ReportForm(request.GET)
    period, by = form.choice()
    errors = form.messages()
    export = request.GET.get("export")
    if export in TABLES and not errors:
        header, rows = table(export, period, by)
        what = f"support report {TABLES[export]}, {period.first} to {period.last}, by {by}"
        return csvstream.response(
            f"support-{export}-{period.first}-{period.last}",
            header,
            rows,
            user=request.user,
            what=what,
        )
    report = reports.cached(period, by)
    base = {"by": by}
    if custom(period):
        base.update(start=period.first.isoformat(), end=period.last.isoformat())
    else:
        base["days"] = period.days
    context = {
        **context,
        "title": "Support reports",
        "form": form,
        "errors": errors,
        "unknown_export": bool(export) and export not in TABLES,
        "report": report,
        "period": period,
        "periods": PERIODS,
        "custom": custom(period),
        # What was typed stays in the boxes when it is refused, to be corrected.
        "start_value": request.GET.get("start", "")[:20] if errors else base.get("start", ""),
        "end_value": request.GET.get("end", "")[:20] if errors else base.get("end", ""),
        "dimensions": DIMENSIONS.items(),
        "query": urlencode(base),
        "by_query": urlencode({k: v for k, v in base.items() if k != "by"}),
        "exports": {name.replace("-", "_"): urlencode({**base, "export": name}) for name in TABLES},
        "volume_chart": charts.paired_bars(report.days, "created", "solved"),
        "volume_desc": charts.describe_days(report.days, "created", "tickets created")
        + " "
        + charts.describe_days(report.days, "solved", "tickets solved"),
        "backlog_chart": charts.line_chart(report.days, "backlog", "backlog"),
        "backlog_desc": charts.describe_days(report.days, "backlog", "tickets in the backlog"),
    }
    return TemplateResponse(request, "admin/insights/support_report.html", context)
