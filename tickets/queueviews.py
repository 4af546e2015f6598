"""Queue views: the filters of the support queue as query strings (what the admin's list
takes), the built-in views every agent has, their own saved ones with counts, the "N new
tickets" notice, and the next ticket after the one just answered."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import QueryDict

from core.parsing import whole_number
from tickets.models import Priority, SavedView, Ticket

# The queue's search (the admin's search_fields use these too).
SEARCH_FIELDS = ("reference", "email", "name", "request_id", "error_message", "subject")
# Parameters of the queue list that choose tickets (others, like `o` or `p`, only arrange).
FILTERS = ("status__exact", "assigned", "priority__exact", "category__exact", "q")

BUILT_IN = (
    ("Waiting on support", "status__exact=waiting"),
    ("Mine, waiting", "assigned=mine&status__exact=waiting"),
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


def normal_query(query):
    """Only the filter parameters, in a fixed order: two spellings of a view are one view."""
    params = QueryDict(query or "")
    return urlencode([(k, _clean(params[k])) for k in FILTERS if _clean(params.get(k))])


def status_q(value):
    from tickets.models import UNFINISHED, WAITING_ON_SUPPORT, TicketStatus

    if value in (None, "", "unfinished"):
        return Q(status__in=UNFINISHED)
    if value == "waiting":
        return Q(status__in=WAITING_ON_SUPPORT)
    if value in TicketStatus.values:
        return Q(status=value)
    return Q()


def assigned_q(value, user):
    if value == "mine":
        return Q(assignee=user)
    if value == "unassigned":
        return Q(assignee__isnull=True)
    if _number(value) is not None:
        return Q(assignee_id=_number(value))
    return Q()


def search_q(text):
    condition = Q()
    for term in _clean(text).split()[:10]:
        any_field = Q()
        for name in SEARCH_FIELDS:
            any_field |= Q(**{f"{name}__icontains": term})
        condition &= any_field
    return condition


def view_q(query, user):
    """The Q of a queue query string, as the admin's list filters read it."""
    params = QueryDict(query or "")
    condition = status_q(params.get("status__exact")) & assigned_q(params.get("assigned"), user)
    if _number(params.get("priority__exact")) is not None:
        condition &= Q(priority=_number(params["priority__exact"]))
    if _clean(params.get("category__exact")):
        condition &= Q(category=_clean(params["category__exact"]))
    return condition & search_q(params.get("q"))


def views_for(user, current_query=""):
    """The built-in views and the agent's own, each with its count (one query for all)."""
    views = [View(name, query) for name, query in BUILT_IN]
    views += [View(v.name, v.query, v.pk) for v in SavedView.objects.filter(owner=user)]
    counts = Ticket.objects.aggregate(
        **{f"v{i}": Count("pk", filter=view_q(v.query, user)) for i, v in enumerate(views)}
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
