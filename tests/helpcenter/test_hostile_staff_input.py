"""No value in a staff page's address, query string or form makes a 500 (a signed-in
account can be someone else's hands), and none changes a row the page is not about.

Every page of every registered ModelAdmin (its list, add, change, history and delete pages
and the pages it adds itself) and the admin site's own are requested as a verified
superuser: with an id no database holds in their paths; with hostile values in every query
parameter they take (found by watching them read it, plus each list's declared filters,
date hierarchy, search, ordering and pages); and, for the forms they show, with hostile
values in every field, and each list action run on ids that are none. What the same code
reads the same way is swept once: Django's own views for all admins (each view an admin
overrides or adds, for itself), a built-in list filter once per lookup and field type.
Heavy: CI runs it on SQLite and PostgreSQL; `make test-fast` leaves it out. Any value in
list parameters: test_properties.
"""

import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import RequestFactory
from django.urls import NoReverseMatch, URLPattern, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from api.models import ApiToken, WebhookDelivery, WebhookEndpoint, WebhookEvent
from insights.models import SearchEvent, SearchQuery
from kb.models import Feedback, Guide, OutdatedReport
from mail import inbound
from search.models import Synonym
from status import services as status_services
from status.models import Component, IncidentTemplate, Subscriber
from tests.helpcenter import test_hostile_input as sweep
from tests.helpcenter.test_hostile_input import LONG, _fine, _Forms, _Recorder
from tests.tickets.inbound import fixture
from tickets import satisfaction
from tickets.models import AgentPreference, Macro, SuggestionOpen, Ticket, TicketLink, TicketMessage

world = sweep.world  # the fixture

# Fewer than the public sweep's (any text: test_properties), each where it can hurt: ids
# and numbers, times on the edges of what UTC holds, lists, escapes, length, empty.
VALUES = [
    "",
    LONG[:3000],
    "-1",
    "99999999999999999999",
    "²",
    "0001-01-01 00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "' OR 1=1 --,%<script>\u202e",
]
# Every field of a form at once (a form validates each on its own).
FORM_VALUES = ["", LONG[:3000], "99999999999999999999", "0001-01-01 00:00:00+14:00"]
RAW = ["%FF%FE"]
BAD_IDS = ["99999999999999999999"]
# Pages whose forms would sign the sweeper out or undo their own second step (their GETs
# are swept), confirmations that delete, and reversion's forms for an old version (the
# change form again, through the same code).
NOT_POSTED = re.compile(r"/(logout|two-factor|password)/|/delete/$|/recover/|/history/")
# What Django's list reads besides filters (`e`, `all`, `_facets` and `_source_model` are
# only tested for being there).
DJANGO_LIST_PARAMS = {"q", "o", "p", "_popup", "_to_field"}
ONLY_PRESENT = {"e", "all", "_facets", "_source_model", "_selected_action"}
DJANGO_LIST = "django.contrib.admin.options.ModelAdmin.changelist_view"
FORM_BODY = "application/x-www-form-urlencoded"
MANAGEMENT = re.compile(r"-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")
ACTION_FORM = {"action", "select_across", "index", "_selected_action"}


@pytest.fixture
def staff_world(world, client, verified_login, admin_user, django_capture_on_commit_callbacks):
    """A row for every admin to show: made as the site makes them where that is short."""
    kim = get_user_model().objects.create_user("kim", "kim@example.com", "pw", is_staff=True)
    TOTPDevice.objects.create(user=kim, name="Kim's phone", confirmed=True)
    StaticDevice.objects.create(user=kim, name="Kim's codes", confirmed=True)
    guide = Guide.objects.first()
    Feedback.objects.create(target=guide, voter="v1", helpful=False, reason="Old")
    OutdatedReport.objects.create(target=guide, voter="v1", note="Step 3 changed")
    own = Ticket.objects.get(email="visitor@example.com")
    satisfaction.record(own, "good", comment="Thanks")
    SuggestionOpen.objects.create(intake="intake-1", url="/kb/x/", title="X", ticket=own)
    SearchEvent.objects.create(day=timezone.localdate(), text="api key", results=0)
    SearchQuery.objects.create(text="api key", searches=1, zero_results=1)
    Synonym.objects.create(terms="key, token")
    Macro.objects.create(title="Ask for the request id", body="Which request id?")
    AgentPreference.objects.create(user=kim, signature="Kim\nThe support team")
    IncidentTemplate.objects.create(name="API down", slug="api-down", title="API", body="We know.")
    inbound.receive(fixture("apple_mail_new.eml"), source="pipe")
    Subscriber.objects.create(
        email="confirmed@example.com",
        address_key="confirmed@example.com",
        confirmed_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        status_services.open_incident(
            name="Slow API", impact="minor", body="Looking.",
            components={Component.objects.first(): "degraded_performance"},
        )  # fmt: skip
    ApiToken.objects.issue(user=kim, name="CRM sync", scopes=["tickets:read"])
    endpoint = WebhookEndpoint.objects.create(
        url="https://hooks.example.com/helpcenter", events=["ticket.created"], created_by=kim
    )
    event = WebhookEvent.objects.create(type="ticket.created", payload={"ticket": {"id": 1}})
    WebhookDelivery.objects.create(event=event, endpoint=endpoint, state="failed")
    type(client)().post("/admin/login/", {"username": "kim", "password": "wrong"})  # axes
    verified_login(client, admin_user)
    return world


def _victim_rows(victim):
    """The other customer's ticket: nothing a staff page is not about may touch it."""
    rows = [
        Ticket.objects.filter(pk=victim.pk).values(),
        TicketMessage.objects.filter(ticket=victim).values(),
        TicketLink.objects.filter(ticket=victim).values("pk", "token_hash", "created_at"),
    ]
    return repr([list(r) for r in rows])


def _example(model_admin, user, victim):
    """A row the pages may show and change: not the victim's ticket, not the sweeper's own
    account or devices (changing those would sign the sweep out)."""
    request = RequestFactory().get("/admin/")
    request.user = user
    rows = model_admin.get_queryset(request)
    model = model_admin.model
    if model is Ticket:
        rows = rows.exclude(pk=victim.pk)
    if model is get_user_model():
        rows = rows.exclude(pk=user.pk)
    if any(f.name == "user" for f in model._meta.get_fields()):
        rows = rows.exclude(user=user)
    return rows.order_by("pk").first()


def _arguments(pattern, obj):
    """Arguments for a URL of this admin: every id is the example row's."""
    regex = pattern.pattern.regex
    if not regex.groups:
        return [], {}
    if not obj:
        return None
    if regex.groupindex:
        return [], dict.fromkeys(regex.groupindex, str(obj.pk))
    return [str(obj.pk)] * regex.groups, {}


def _view(pattern):
    """The view function behind an admin URL (several admins share Django's own)."""
    view = getattr(pattern.callback, "__wrapped__", pattern.callback)
    view = getattr(view, "__func__", view)
    return f"{view.__module__}.{view.__qualname__}"


class Page:
    def __init__(self, url, view, model_admin=None, obj=None):
        self.url, self.view, self.model_admin, self.obj = url, view, model_admin, obj


def _admin_pages(user, victim):
    """Every admin URL: the site's own pages, and each ModelAdmin's for an example row."""
    pages = [
        Page(reverse(f"admin:{name}"), name)
        for name in ("index", "two-factor", "two-factor-recovery-codes", "autocomplete", "jsi18n")
    ]
    for model_admin in admin.site._registry.values():
        obj = _example(model_admin, user, victim)
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            arguments = _arguments(pattern, obj)
            if arguments is None:
                continue
            try:
                url = reverse(f"admin:{pattern.name}", args=arguments[0], kwargs=arguments[1])
            except NoReverseMatch:
                continue
            pages.append(Page(url, _view(pattern), model_admin, obj))
    return pages


def _signatures(page, response, read):
    """Each query parameter the page takes, with what decides how it is read: the view
    function for the parameters it reads itself (Django's own views are swept once for
    all admins, every view an admin overrides or adds for itself); for a list filter's,
    the filter class, the lookup and the field's type (or, for a filter of our own, the
    admin); the date hierarchy's and those an admin declares (core.web.admin_lookups)."""
    keys = {key: (page.view, key) for key in (read | DJANGO_LIST_PARAMS) - ONLY_PRESENT}
    cl = (response.context or {}).get("cl")
    if cl is None:
        return {key: sig for key, sig in keys.items() if key in read}
    model_admin = page.model_admin
    for spec in cl.filter_specs:
        for param in spec.expected_parameters():
            if isinstance(spec, admin.SimpleListFilter):
                keys[param] = (type(spec), param, model_admin.model)
            else:
                lookup = param.removeprefix(spec.field_path)
                keys[param] = (type(spec), lookup, spec.field.get_internal_type())
    if field := model_admin.date_hierarchy:
        kind = cl.opts.get_field(field).get_internal_type()
        keys |= {f"{field}__{part}": ("hierarchy", part, kind) for part in ("year", "month", "day")}
    for key in (
        *getattr(model_admin, "link_lookups", ()),
        *getattr(model_admin, "changelist_params", ()),
    ):
        keys[key] = (type(model_admin), key)
    return keys


def _bad_paths(page):
    """The URL with each id in its path replaced by ids no row has."""
    if page.obj is None:
        return []
    parts = page.url.split("/")
    pk = str(page.obj.pk)
    return [
        "/".join(bad if part == pk else part for part in parts) for bad in BAD_IDS if pk in parts
    ]


@pytest.mark.django_db
@pytest.mark.slow
def test_hostile_values_in_staff_addresses_and_query_strings_never_fail(
    client, staff_world, admin_user, monkeypatch
):
    victim = staff_world["victim"]
    before, content = _victim_rows(victim), sweep._snapshot(victim)
    pages = _admin_pages(admin_user, victim)
    assert len(pages) > 150
    swept = set()
    for page in pages:
        for bad in _bad_paths(page):
            _fine(client.get(bad), bad)
        recorder = _Recorder(monkeypatch)
        response = client.get(page.url)
        monkeypatch.undo()
        _fine(response, page.url)
        for key, signature in sorted(_signatures(page, response, recorder.keys).items()):
            if signature in swept:
                continue
            swept.add(signature)
            for value in VALUES:
                _fine(client.get(page.url, {key: value}), f"{page.url}?{key}={value[:40]!r}")
            for raw in RAW:
                _fine(client.get(f"{page.url}?{key}={raw}"), f"{page.url}?{key}={raw}")
    assert len(swept) > 100
    assert _victim_rows(victim) == before
    assert sweep._snapshot(victim) == content  # GETs change nothing


def _forms(client, url):
    response = client.get(url)
    if response.streaming or not response["Content-Type"].startswith("text/html"):
        return []  # a file
    parser = _Forms()
    parser.feed(response.content.decode())
    return [(form["action"] or url, form["fields"]) for form in parser.forms]


def _post(client, victim, action, data, **kwargs):
    """Posted, the victim's ticket checked, and undone: each post starts from the same rows
    (rows added by earlier posts would make every later page longer to draw)."""
    before = _victim_rows(victim)
    with transaction.atomic():
        response = client.post(action, data, **kwargs)
        _fine(response, f"POST {action} {str(data)[:80]}")
        assert _victim_rows(victim) == before, f"POST {action} {str(data)[:80]}"
        transaction.set_rollback(True)
    return response


def _where(action):
    """The admin a form posts to (its add, change and own pages), else its address."""
    model_admin = re.match(r"/admin/\w+/\w+/", action)
    return model_admin[0] if model_admin else action


def _one_value(name, default):
    """The value a field gets alone, the others as the page filled them: an id no row has
    for a choice or number, a time before year 1 in UTC for a time, else text that is
    saved and shown again. A formset's counts get a count no formset has (a big one only
    makes Django draw its most, 1,000 rows or more: seconds, not an error)."""
    if MANAGEMENT.search(name):
        return "-1"
    if re.fullmatch(r"-?\d*", default) and not name.endswith("_1"):
        return "99999999999999999999"
    if re.match(r"\d{4}-\d\d-\d\d", default) or re.search(r"_[01]$", name):
        return "0001-01-01 00:00:00+14:00"
    return "' OR 1=1 --,%<script>\u202e" + "é" * 300


# The forms' sweep, in shards (by admin) that several workers can run at once.
FORM_SHARDS = 3


@pytest.mark.django_db
@pytest.mark.slow
@pytest.mark.parametrize("shard", range(FORM_SHARDS))
def test_hostile_values_in_staff_forms_never_fail(client, staff_world, admin_user, shard):
    victim = staff_world["victim"]
    forms, shapes = {}, set()
    for page in _admin_pages(admin_user, victim):
        editable = page.model_admin and page.model_admin.list_editable
        if NOT_POSTED.search(page.url) or (page.view == DJANGO_LIST and not editable):
            continue  # Django's list has only its actions' form (below) unless rows are edited
        for action, fields in _forms(client, page.url):
            shape = frozenset(fields) - {"csrfmiddlewaretoken"}
            # A list's action form has its own test; a revision's form is its change form.
            if shape <= ACTION_FORM or shape in shapes or NOT_POSTED.search(action):
                continue
            shapes.add(shape)
            forms[urlsplit(action).path] = fields
    assert len(forms) > 25
    wheres = sorted({_where(action) for action in forms})
    alone = set()  # (admin, field) sent alone: a change form's are mostly its add form's
    for action, fields in sorted(forms.items()):
        where = _where(action)
        if wheres.index(where) % FORM_SHARDS != shard:
            continue
        counts = {name: default for name, default in fields.items() if MANAGEMENT.search(name)}
        for value in FORM_VALUES:
            _post(client, victim, action, {**dict.fromkeys(fields, value), **counts})
        for raw in RAW:
            body = urlencode(dict.fromkeys(fields, "x")).replace("=x", f"={raw}")
            _post(client, victim, action, body, content_type=FORM_BODY)
        for name, default in fields.items():
            if "__prefix__" in name or re.search(r"-[1-9]\d*-", name):
                continue  # an inline's other rows are its first row again
            if (where, name) not in alone:
                alone.add((where, name))
                _post(client, victim, action, {**fields, name: _one_value(name, default)})


@pytest.mark.django_db
@pytest.mark.slow
def test_every_list_action_on_ids_no_row_has_never_fails(client, staff_world, admin_user):
    victim = staff_world["victim"]
    before = _victim_rows(victim)
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    ran = 0
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for action in model_admin.get_actions(request):
            for selected in [*BAD_IDS, "²", "-1"]:
                data = {"action": action, "index": "0", "_selected_action": selected}
                _fine(client.post(url, data), f"POST {url} {action} on {selected!r}")
                ran += 1
    assert ran > 50
    assert _victim_rows(victim) == before


# Issue 22: the queue's search (operators, phrases), "New ticket" and inviting a colleague.
# Quick, so they run in `make test-fast` too, on both engines.
QUEUE_SEARCHES = [
    *VALUES,
    '"',
    'status:"',
    "tag:" + LONG[:300],
    "org:%_ from:\\",
    '"a" "b" "c" "d" "e" "f" "g"',
    "NEAR(a b) OR * ^ - {x}",
    "proxy_read_timeout_" + "_x" * 200,
    "status:waiting status:all tag:é org:💥",
]


@pytest.mark.slow
@pytest.mark.django_db
def test_hostile_queue_searches_new_tickets_and_invitations_never_fail(
    client, admin_user, verified_login, make_ticket
):
    make_ticket(description="Proxy read timeout on * and ( parentheses.")
    verified_login(client, admin_user)
    for query in QUEUE_SEARCHES:
        for extra in ({}, {"status__exact": "pending"}, {"o": "-3"}):
            url = "/admin/tickets/ticket/"
            _fine(client.get(url, {"q": query, **extra}), f"{url}?q={query[:40]!r}")
    fields = {
        "/admin/tickets/ticket/add/": [
            "email", "name", "channel", "subject", "category", "priority",
            "first_message_is", "first_message", "acknowledge",
        ],
        "/admin/auth/user/add/": ["username", "first_name", "last_name", "email", "role"],
    }  # fmt: skip
    victim = Ticket.objects.first()
    for url, names in fields.items():
        for value in [*FORM_VALUES, *VALUES]:
            _post(client, victim, url, dict.fromkeys(names, value))


@pytest.mark.django_db
@pytest.mark.slow
def test_hostile_values_in_the_support_reports_and_exports_never_fail(
    client, staff_world, admin_user
):
    """The reports page (insights.support) and the CSV files: every parameter alone and
    beside valid ones (a custom range with one hostile end, a table with a hostile period),
    each file read to its end (a streamed file fails after its 200 otherwise)."""
    report = reverse("admin:insights_supportreport_changelist")
    export = reverse("admin:tickets_ticket_export")
    today = timezone.localdate().isoformat()
    valid = {"start": today, "end": today, "days": "7", "by": "tag", "export": "breakdown"}
    values = [*VALUES, "2026-02-30", "0000-01-01", "9999-12-31", "1999-12-31", "-0"]

    def read(url, params):
        response = client.get(url, params)
        _fine(response, f"{url}?{urlencode(params)[:80]}")
        if response.streaming:
            b"".join(response.streaming_content)

    for name in valid:
        for value in values:
            read(report, {name: value})
            read(report, {**valid, name: value})
            read(report, {**{k: v for k, v in valid.items() if k != "export"}, name: value})
    for table in ("days", "breakdown", "workload", "service-levels", "backlog-age"):
        read(report, {"export": table, "by": "organization"})
    for value in values:
        for name in ("status__exact", "q", "o", "created_at__date__gte", "channel", "tag"):
            read(export, {name: value})
