"""What the dashboard counts: one row per search, and daily totals kept in step with it.

No personal data: no IP address, user, session or cookie; the normalized words searched, when,
how many results, and whether a result was opened or a ticket followed. The daily tables are
updated with each event (insights.recording), so the dashboard reads at most 90 rows a chart
however many searches a year brings; `manage.py insights rebuild` recomputes them from the
events.
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class SearchEventQuerySet(models.QuerySet):
    def between(self, first, last):
        """Days `first` to `last`, both included."""
        return self.filter(day__gte=first, day__lte=last)

    def with_outcome(self, outcome):
        """The dashboard's categories, as in the daily tables (insights.recording.COUNTS)."""
        found = Q(results__isnull=True) | Q(results__gt=0)
        return self.filter(
            {
                "nothing": Q(results=0),
                "found": found,
                "opened": Q(opened=True),
                "unopened": found & Q(opened=False),
                "ticket": Q(ticket_followed=True),
            }.get(outcome, Q())
        )

    def latest_unopened(self, text, since, until):
        """The search a result opened at `until` came from: one that found something."""
        return (
            self.with_outcome("unopened")
            .filter(text=text, created_at__gte=since, created_at__lte=until)
            .order_by("-created_at")
        )

    def latest_without_ticket(self, text, since, until):
        return self.filter(
            text=text, created_at__gte=since, created_at__lte=until, ticket_followed=False
        ).order_by("-created_at")


class SearchEvent(models.Model):
    """One search someone sent (or a live search whose result they opened: `results` unknown).

    A result opened credits the latest unopened search of the same words in the last
    OPEN_WINDOW; a ticket sent from the search page's "contact support" link credits the latest
    such search in TICKET_WINDOW. Nothing ties a row to a person."""

    created_at = models.DateTimeField(default=timezone.now)
    day = models.DateField()
    text = models.CharField(max_length=200)
    results = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: a live search, counted when a result was opened."
    )
    opened = models.BooleanField("result opened", default=False)
    ticket_followed = models.BooleanField("ticket followed", default=False)

    objects = SearchEventQuerySet.as_manager()

    class Meta:
        # Newest first by day, then time: the list of a period reads the day index in order.
        ordering = ["-day", "-created_at"]
        indexes = [
            models.Index(fields=["day", "created_at"], name="insights_event_day"),
            models.Index(fields=["text", "created_at"], name="insights_event_text"),
        ]

    def __str__(self):
        return self.text


class Counts(models.Model):
    """The counters each daily table keeps. `found` includes live searches (results unknown,
    but one was opened); zero results = searches - found."""

    searches = models.PositiveIntegerField(default=0)
    found = models.PositiveIntegerField(default=0)
    opened = models.PositiveIntegerField(default=0)
    ticket_followed = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    @property
    def zero_results(self):
        return self.searches - self.found


class SearchDay(Counts):
    """All searches of one day (UTC)."""

    day = models.DateField(unique=True)

    class Meta:
        ordering = ["day"]

    def __str__(self):
        return str(self.day)


class SearchTextDay(Counts):
    """The searches of one day for one normalized text: for the period's top lists."""

    day = models.DateField()
    text = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "text"], name="insights_text_day_unique")
        ]
        # Some texts over a period (their searches, their settled sums): by text first.
        indexes = [models.Index(fields=["text", "day"], name="insights_text_day_text")]

    def __str__(self):
        return f"{self.day} {self.text}"


class Dashboard(SearchDay):
    """The admin page (insights.admin.DashboardAdmin); exists for its menu entry and its
    permission, `insights.view_dashboard`."""

    class Meta:
        proxy = True
        default_permissions = ("view",)
        verbose_name = "dashboard"
        verbose_name_plural = "dashboard"


class SupportReport(SearchDay):
    """The support leads' reports page (insights.admin.SupportReportAdmin, insights.support);
    exists for its menu entry and its permission, `insights.view_supportreport`. A proxy
    of the daily table, as the dashboard is: no table of its own."""

    class Meta:
        proxy = True
        default_permissions = ("view",)
        verbose_name = "support reports"
        verbose_name_plural = "support reports"


class SearchQueryQuerySet(models.QuerySet):
    def found_nothing(self):
        return self.filter(zero_results__gt=0)

    def found_but_unopened(self):
        return self.filter(last_results__gt=0, opens=0)


class SearchQuery(models.Model):
    """One normalized query text: how often it was searched, found nothing, led to a page.

    No personal data: no IP, no user, no session; just the normalized words.
    """

    text = models.CharField(max_length=200, unique=True)
    searches = models.PositiveIntegerField(default=0)
    zero_results = models.PositiveIntegerField(default=0)
    opens = models.PositiveIntegerField(default=0)
    last_results = models.PositiveIntegerField(default=0)
    last_seen = models.DateTimeField(default=timezone.now)

    objects = SearchQueryQuerySet.as_manager()

    class Meta:
        db_table = "search_searchquery"  # kept by search until content gaps moved here
        verbose_name = "content gap"
        verbose_name_plural = "content gaps (searches)"
        ordering = ["-zero_results", "-searches"]

    def __str__(self):
        return self.text

    @classmethod
    def record(cls, text, *, total, tag=None):
        """Count a search. Searches of everything only: a query that finds nothing under
        one tag is no gap in the content."""
        if not text or tag:
            return None
        row, _ = cls.objects.get_or_create(text=text[:200])
        cls.objects.filter(pk=row.pk).update(
            searches=F("searches") + 1,
            zero_results=F("zero_results") + (1 if total == 0 else 0),
            last_results=total,
            last_seen=timezone.now(),
        )
        return row.text

    @classmethod
    def record_open(cls, text):
        """A result was opened. Live (as-you-type) searches are logged only when this happens."""
        if text:
            row, created = cls.objects.get_or_create(text=text[:200], defaults={"searches": 1})
            cls.objects.filter(pk=row.pk).update(opens=F("opens") + 1, last_seen=timezone.now())
            return row.text
        return None


class AnswerEventQuerySet(models.QuerySet):
    def between(self, first, last):
        return self.filter(day__gte=first, day__lte=last)

    def refused(self):
        return self.filter(answered=False)


class AnswerEvent(models.Model):
    """A question someone sent that the help center answered directly, or refused (answers):
    the refused ones are content gaps the search alone does not show (their words may find
    pages that do not answer them). No personal data: the words, when, what was cited."""

    created_at = models.DateTimeField(default=timezone.now)
    day = models.DateField()
    text = models.CharField(max_length=200)
    answered = models.BooleanField()
    citation = models.CharField(max_length=300, blank=True)
    ticket_followed = models.BooleanField("ticket followed", default=False)

    objects = AnswerEventQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-created_at"]
        indexes = [
            models.Index(fields=["day", "answered"], name="insights_answer_day"),
            models.Index(fields=["text", "created_at"], name="insights_answer_text"),
        ]

    def __str__(self):
        return self.text

    @classmethod
    def record(cls, *, text, answered, citation="", now=None):
        now = now or timezone.now()
        text = " ".join((text or "").replace("\x00", " ").lower()[:200].split())
        if not text:
            return None
        return cls.objects.create(
            created_at=now,
            day=timezone.localdate(now),
            text=text,
            answered=answered,
            citation=citation[:300],
        )


class SupportDayQuerySet(models.QuerySet):
    def between(self, first, last):
        return self.filter(day__gte=first, day__lte=last)


class SupportTotals(models.Model):
    """Counts of one dimension's value over a span of days (a day, a week)."""

    COUNTS = ("created", "solved", "response_met", "resolution_met", "answered", "good", "bad")
    COUNTS += ("replies",)
    TIMES = ("first_response", "resolution")

    dimension = models.CharField(max_length=12)
    key = models.CharField(max_length=100, null=True)  # noqa: DJ001 (None: no value)
    created = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    response_met = models.PositiveIntegerField(default=0)
    resolution_met = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)  # first responses with a time
    first_response = models.JSONField(default=dict)
    resolution = models.JSONField(default=dict)
    good = models.PositiveIntegerField(default=0)
    bad = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class SupportDay(SupportTotals):
    """The support reports' daily totals (insights.support.rollups): one row per day,
    dimension (channel, category, group, organization, tag, agent; "all" for the whole
    desk, "priority" for the service levels, "author" for replies sent) and value of it,
    as the tickets are now. Times are counted in log-spaced buckets for the percentiles:
    {bucket index: tickets} (insights.support.buckets)."""

    day = models.DateField()

    objects = SupportDayQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["dimension", "day"], name="insights_supportday_dim")]

    def __str__(self):
        return f"{self.day} {self.dimension} {self.key}"


class SupportWeek(SupportTotals):
    """The daily totals summed per week, Monday to Sunday (`week`: its Monday), kept with
    them (insights.support.rollups): a long period reads its whole weeks here, a seventh of
    the rows, and only the days at its ends from SupportDay."""

    week = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["dimension", "week"], name="insights_supportweek_dim")]

    def __str__(self):
        return f"week of {self.week} {self.dimension} {self.key}"


class SupportDayTicket(models.Model):
    """The days each ticket was last counted on (opened, first answered, solved, rated): when
    it changes, the days it leaves are counted again too. No foreign key: the row outlives
    a deleted ticket, to say which days lose it."""

    ticket_id = models.PositiveIntegerField(primary_key=True)
    created = models.DateField(null=True)
    answered = models.DateField(null=True)
    solved = models.DateField(null=True)
    rated = models.DateField(null=True)

    def __str__(self):
        return str(self.ticket_id)


class SupportRollupMark(models.Model):
    """When the daily totals were last brought up to date (one row; none: never built, the
    reports count from the tickets)."""

    refreshed_at = models.DateTimeField()

    def __str__(self):
        return str(self.refreshed_at)


class SupportBacklog(models.Model):
    """The unfinished tickets per value of each dimension ("all": the whole desk), as the
    clock's last run found them (insights.support.rollups)."""

    dimension = models.CharField(max_length=12)
    key = models.CharField(max_length=100, null=True)  # noqa: DJ001 (None: no value)
    backlog = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["dimension"], name="insights_supportbacklog_dim")]

    def __str__(self):
        return f"{self.dimension} {self.key}"
