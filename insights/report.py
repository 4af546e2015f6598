"""The dashboard's figures for a period, read from the daily tables (and, for deflection and
feedback, from the tickets and kb apps' own records through their QuerySets)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils import timezone

from answers.models import AnswerFeedback
from insights import tops
from insights.models import AnswerEvent, SearchDay
from kb.models import Feedback
from tickets.models import SuggestionOpen

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
TOP = 10
FEEDBACK_ROWS = 15


@dataclass(frozen=True)
class Period:
    days: int
    first: date
    last: date

    @classmethod
    def ending(cls, days, today=None):
        """The last `days` days, today included."""
        today = today or timezone.localdate()
        return cls(days=days, first=today - timedelta(days=days - 1), last=today)

    def each_day(self):
        return [self.first + timedelta(days=n) for n in range(self.days)]


def rate(part, whole):
    """A percentage with one decimal, or None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Day:
    day: date
    searches: int = 0
    found: int = 0
    opened: int = 0
    ticket_followed: int = 0

    @property
    def zero_results(self):
        return self.searches - self.found

    @property
    def label(self):
        """ "Mon 23 Nov 2026" (the admin is in English; `date` filters cost more)."""
        return f"{self.day:%a} {self.day.day} {self.day:%b %Y}"

    @property
    def zero_rate(self):
        return rate(self.zero_results, self.searches)

    @property
    def click_rate(self):
        return rate(self.opened, self.found)

    @property
    def ticket_rate(self):
        return rate(self.ticket_followed, self.searches)


@dataclass
class SearchReport:
    period: Period
    days: list = field(default_factory=list)
    totals: Day = None
    unclicked: list = field(default_factory=list)
    gaps: list = field(default_factory=list)


def searches(period):
    rows = {
        row.day: row
        for row in SearchDay.objects.filter(day__gte=period.first, day__lte=period.last)
    }
    days = []
    for day in period.each_day():
        row = rows.get(day)
        days.append(
            Day(day, row.searches, row.found, row.opened, row.ticket_followed) if row else Day(day)
        )
    totals = Day(
        period.last,
        *(sum(getattr(d, name) for d in days) for name in ("searches", "found", "opened")),
        sum(d.ticket_followed for d in days),
    )
    unclicked = tops.top(period, "unopened", days=days, limit=TOP)
    gaps = tops.top(period, "nothing", days=days, limit=TOP)
    return SearchReport(period=period, days=days, totals=totals, unclicked=unclicked, gaps=gaps)


def deflection(period):
    """tickets' own measure (SuggestionOpen.objects.deflection) over the same number of days."""
    return SuggestionOpen.objects.deflection(days=period.days)


@dataclass
class ArticleScore:
    title: str
    kind: str
    content_type_id: int
    object_id: int
    url: str
    yes: int
    no: int

    @property
    def votes(self):
        return self.yes + self.no

    @property
    def score(self):
        return rate(self.yes, self.votes)


def feedback_scores(period, limit=FEEDBACK_ROWS):
    """Articles with votes cast or changed in the period, least helpful first."""
    since = timezone.make_aware(
        timezone.datetime.combine(period.first, timezone.datetime.min.time())
    )
    rows = list(
        Feedback.objects.filter(updated_at__gte=since)
        .values("content_type_id", "object_id")
        .annotate(
            yes=Count("pk", filter=Q(helpful=True)),
            no=Count("pk", filter=Q(helpful=False)),
        )
        .order_by()
    )
    rows.sort(key=lambda r: (r["yes"] / (r["yes"] + r["no"]), -(r["yes"] + r["no"])))
    rows = rows[:limit]
    by_type = {}
    for row in rows:
        by_type.setdefault(row["content_type_id"], []).append(row["object_id"])
    targets = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is not None:
            # What the row shows and links to; never the (long) bodies.
            names = [f.name for f in model._meta.concrete_fields if f.name in ("title", "slug")]
            for pk, obj in model._default_manager.only(*names).in_bulk(ids).items():
                targets[type_id, pk] = obj
    scores = []
    for row in rows:
        target = targets.get((row["content_type_id"], row["object_id"]))
        if target is None:
            continue  # deleted since
        scores.append(
            ArticleScore(
                title=str(target),
                kind=target._meta.verbose_name,
                content_type_id=row["content_type_id"],
                object_id=row["object_id"],
                url=target.get_absolute_url(),
                yes=row["yes"],
                no=row["no"],
            )
        )
    return scores


@dataclass
class AnswerReport:
    questions: int = 0
    answered: int = 0
    refused: int = 0
    helpful: int = 0
    unhelpful: int = 0
    tickets_after_answer: int = 0
    top_refused: list = field(default_factory=list)

    @property
    def answered_rate(self):
        return rate(self.answered, self.questions)

    @property
    def helpful_rate(self):
        return rate(self.helpful, self.helpful + self.unhelpful)

    @property
    def votes(self):
        return self.helpful + self.unhelpful


def answers(period, limit=TOP):
    """Direct answers in the period: answered vs refused, what readers said of them, tickets
    sent after one, and the questions refused most (the new content gaps)."""
    events = AnswerEvent.objects.between(period.first, period.last)
    totals = events.aggregate(
        asked=Count("pk"),
        with_answer=Count("pk", filter=Q(answered=True)),
        tickets=Count("pk", filter=Q(answered=True, ticket_followed=True)),
    )
    since = timezone.make_aware(
        timezone.datetime.combine(period.first, timezone.datetime.min.time())
    )
    votes = AnswerFeedback.objects.filter(created_at__gte=since).aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    top_refused = list(
        events.refused()
        .values("text")
        .annotate(times=Count("pk"))
        .order_by("-times", "text")[:limit]
    )
    return AnswerReport(
        questions=totals["asked"],
        answered=totals["with_answer"],
        refused=totals["asked"] - totals["with_answer"],
        helpful=votes["yes"],
        unhelpful=votes["no"],
        tickets_after_answer=totals["tickets"],
        top_refused=top_refused,
    )
