"""Queue views: the filters of the support queue as query strings (what the admin's list
takes), the built-in views every agent has, their own saved ones with counts, the "N new
tickets" notice, and the next ticket after the one just answered."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.http import QueryDict

from core.parsing import whole_number
from core.sqlconstants import constants
from tickets import customfields, fulltext
from tickets.models import AgentGroup, Priority, SavedView, Ticket, normalize_tag

# The queue's search box (the admin shows one when a model admin has search fields); what
# it finds is tickets.fulltext's: everything a ticket holds.
SEARCH_FIELDS = ("reference",)
# Parameters of the queue list that choose tickets (others, like `o` or `p`, only arrange),
# and those of the custom fields (cf_<key>).
FILTERS = (
    "status__exact",
    "assigned",
    "group",
    "priority__exact",
    "category__exact",
    "tag",
    "organization",
    "q",
)

BUILT_IN = (
    ("Not finished", ""),  # the queue as it opens
    ("Waiting on support", "status__exact=waiting"),
    ("Mine, waiting", "assigned=mine&status__exact=waiting"),
    ("My groups, waiting", "group=mine&status__exact=waiting"),
    ("Unassigned, urgent", f"assigned=unassigned&priority__exact={Priority.URGENT}"),
)


@dataclass
class View:
    name: str
    query: str
    pk: int | None = None  # a saved view's id (it can be deleted)
    count: int = 0
    current: bool = False


def _clean(value):
    """Text a database can compare (PostgreSQL refuses NUL), of a sane length."""
    return (value or "").replace("\x00", "")[:200]


def _number(value):
    return whole_number(_clean(value), low=0)


def _field_params(params):
    """The custom-field filters of a query (cf_<key>), sorted by key."""
    keys = sorted(k for k in params if k.startswith(customfields.PREFIX) and len(k) <= 50)
    return [(k, _clean(params[k])) for k in keys[:10] if _clean(params.get(k))]


def normal_query(query):
    """Only the filter parameters, in a fixed order: two spellings of a view are one view."""
    params = QueryDict(query or "")
    fixed = [(k, _clean(params[k])) for k in FILTERS if _clean(params.get(k))]
    return urlencode(fixed + _field_params(params))


def statuses_of(value):
    """The statuses the status filter's value shows (None: every status)."""
    from tickets.models import UNFINISHED, WAITING_ON_SUPPORT, TicketStatus

    if value in (None, "", "unfinished"):
        return UNFINISHED
    if value == "waiting":
        return WAITING_ON_SUPPORT
    if value in TicketStatus.values:
        return (value,)
    return None


def _in(statuses):
    # Constants in the SQL: SQLite then reads the unfinished tickets' index (sqlconstants).
    return Q(status__in=constants(statuses)) if statuses is not None else Q()


def status_q(value):
    return _in(statuses_of(value))


def assigned_q(value, user):
    if value == "mine":
        return Q(assignee=user)
    if value == "unassigned":
        return Q(assignee__isnull=True)
    if _number(value) is not None:
        return Q(assignee_id=_number(value))
    return Q()


def group_q(value, user):
    if value == "mine":
        return Q(group__in=AgentGroup.objects.of(user).values("pk"))
    if value == "none":
        return Q(group__isnull=True)
    if _number(value) is not None:
        return Q(group_id=_number(value))
    return Q()


def tag_q(value):
    name = normalize_tag(_clean(value))
    if not name:
        return Q()
    return Q(Exists(Ticket.tags.through.objects.filter(ticket=OuterRef("pk"), tag__name=name)))


def organization_q(value):
    number = _number(value)
    return Q(organization_id=number) if number is not None else Q()


def search_q(text):
    return fulltext.search_q(_clean(text))


def searches_every_status(params):
    """A search without a status filter (in the filters or as `status:`) looks in every
    status: the invoice number a customer wrote last year is found too."""
    query = _clean(params.get("q"))
    return (
        bool(query.strip())
        and not params.get("status__exact")
        and not (fulltext.sets_status(query))
    )


def _statuses(params):
    """The statuses a queue query's parameters show (None: any): what view_q filters on,
    and what views_for reads beforehand, so the two cannot part."""
    return None if searches_every_status(params) else statuses_of(params.get("status__exact"))


def view_statuses(query):
    """The statuses a queue query string can show (None: any)."""
    return _statuses(QueryDict(query or ""))


def view_q(query, user):
    """The Q of a queue query string, as the admin's list filters read it."""
    params = QueryDict(query or "")
    condition = _in(_statuses(params))
    condition &= assigned_q(params.get("assigned"), user)
    condition &= group_q(params.get("group"), user)
    if _number(params.get("priority__exact")) is not None:
        condition &= Q(priority=_number(params["priority__exact"]))
    if _clean(params.get("category__exact")):
        condition &= Q(category=_clean(params["category__exact"]))
    condition &= tag_q(params.get("tag")) & organization_q(params.get("organization"))
    for key, value in _field_params(params):
        condition &= customfields.value_q(key.removeprefix(customfields.PREFIX), value)
    return condition & search_q(params.get("q"))


def views_for(user, current_query=""):
    """The built-in views, one per group of the agent's, and the agent's own, each with its
    count (one query for all)."""
    views = [View(name, query) for name, query in BUILT_IN]
    views += [
        View(group.name, urlencode({"group": group.pk, "status__exact": "waiting"}))
        for group in AgentGroup.objects.of(user)
    ]
    views += [View(v.name, v.query, v.pk) for v in SavedView.objects.filter(owner=user)]
    tickets = Ticket.objects.all()
    statuses = [view_statuses(v.query) for v in views]
    if None not in statuses:
        # Only the statuses some view shows are read: with the built-in views, the
        # unfinished tickets, from their own index (tickets_unfinished) alone.
        tickets = tickets.filter(status__in=constants(sorted(set().union(*statuses))))
    counts = tickets.aggregate(  # (status: never empty, and in the index; the pk is not)
        **{f"v{i}": Count("status", filter=view_q(v.query, user)) for i, v in enumerate(views)}
    )
    current = normal_query(current_query)
    for i, view in enumerate(views):
        view.count = counts[f"v{i}"]
        view.current = normal_query(view.query) == current
    return views


def save_view(user, *, name, query):
    """Save the current filters under a name (the same name replaces the older view)."""
    view, _ = SavedView.objects.update_or_create(
        owner=user, name=_clean(name).strip()[:60], defaults={"query": normal_query(query)[:500]}
    )
    return view


def new_since(user, query, since):
    """How many tickets of this view arrived after `since` (when the agent loaded the list)."""
    return Ticket.objects.filter(view_q(query, user), created_at__gt=since).count()


def next_ticket(user, query, current_pk):
    """The ticket after `current_pk` in the queue view `query`, in the queue's order; the
    view's first other ticket when the current one is not in it; None at the end."""
    pks = Ticket.objects.filter(view_q(query, user)).triage_order().values_list("pk", flat=True)
    seen, first_other = False, None
    for pk in pks.iterator(chunk_size=2000):
        if seen:
            return pk
        if pk == current_pk:
            seen = True
        elif first_other is None:
            first_other = pk
    return None if seen else first_other
