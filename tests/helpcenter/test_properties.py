"""Properties over any text a stranger can type (hypothesis), on the functions every public
path goes through: search, address keys, and the ticket form down to the database; and over
any value staff can put in an admin list's parameters."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.addresses import address_key
from search.services import search
from tickets import queueviews, services
from tickets.forms import LostLinkForm, TicketForm, signed_start

# Any Unicode text, surrogates excluded (no HTTP request can carry one: the request is
# bytes, and undecodable bytes are tested in test_hostile_input).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
NASTY = st.one_of(
    TEXT,
    st.sampled_from(['"', "'", "*", "NEAR(", ":*", "&|!", "\x00", "ı", "ſ", "\u202e", "%"]),
    st.lists(st.sampled_from(["a", "AND", "OR", "NOT", '"', "(", ")", "-", "^", "_"])).map(
        " ".join
    ),
)
DB_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@DB_SETTINGS
@given(query=NASTY, tag=st.one_of(st.none(), TEXT), page=st.integers(-5, 10**6))
def test_search_answers_any_text(content, query, tag, page):
    with transaction.atomic():  # a database error would poison the test's transaction
        results = search(query, tag=tag, page=page, per_page=5)
    assert results.total >= len(results.hits) >= 0


# Addresses with a local part in any script (RFC 6532), and what an attacker adds to them.
INTERNATIONAL = st.builds(
    "{}@{}".format,
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=70),
    st.sampled_from(["example.com", "müller.example", "xn--mller-kva.example", "例子.广告"]),
)


@settings(max_examples=500)
@given(st.one_of(TEXT, INTERNATIONAL))
def test_an_address_has_one_normal_form_or_none(text):
    try:
        key = address_key(text)
    except ValueError:
        return
    local, _, domain = key.rpartition("@")
    assert domain.isascii() and key == key.lower()
    assert local.isascii() or len(local.encode()) <= 64
    assert not any(c in key for c in "\r\n\x00\u202e")
    assert address_key(key) == key


@st.composite
def ticket_form_data(draw):
    fields = [
        "name",
        "email",
        "subject",
        "category",
        "error_message",
        "endpoint",
        "request_id",
        "reproducibility",
        "plan",
        "model_name",
        "occurred_at",
        "occurred_tz",
        "description",
    ]
    data = {name: draw(NASTY) for name in fields}
    if draw(st.booleans()):  # a valid address half of the time, so more forms get saved
        data["email"] = draw(st.emails())
    data["started"] = signed_start(0)
    return data


@pytest.mark.django_db
@DB_SETTINGS
@given(data=ticket_form_data())
def test_the_ticket_form_validates_or_stores_any_input(data):
    form = TicketForm(data)
    if form.is_valid():
        with transaction.atomic():
            ticket = services.create_ticket(form.save(commit=False))
        assert ticket.reference.startswith("HC-")
    else:
        assert form.errors  # a message for the customer, never an exception


@settings(max_examples=300)
@given(NASTY)
def test_the_lost_link_form_validates_any_input(text):
    form = LostLinkForm({"email": text})
    if form.is_valid():
        address_key(form.cleaned_data["email"])  # a valid address always has a key


# Staff list parameters: any value in any parameter an admin list takes (its filters', the
# date hierarchy's, search, ordering, pages, the queue's own) is answered, never a 500
# (the fixed corpus of values: test_hostile_staff_input).
STAFF_VALUE = st.one_of(
    TEXT,
    st.integers(-(10**25), 10**25).map(str),
    st.integers(-5, 100_000).map(str),  # years, months, days, pages
    st.builds(lambda moment, sep: moment.isoformat(sep), st.datetimes(), st.sampled_from(" T")),
    st.builds(
        lambda moment, hours, minutes: f"{moment.isoformat()}{hours:+03d}:{minutes:02d}",
        st.datetimes(),
        st.integers(-23, 23),
        st.integers(0, 59),
    ),
    st.dates().map(str),
    st.sampled_from(["²", "１２", "1e309", "NaN", "-0", "a,b", "%", "__", "True", "None"]),
)


@pytest.fixture
def staff_lists(client, verified_login, admin_user):
    """(address, the parameters it takes) of every admin list, as a verified superuser."""
    from django.contrib import admin
    from django.urls import reverse

    verified_login(client, admin_user)
    lists = [
        ("/admin/tickets/ticket/new/", {"since", *queueviews.FILTERS}),
        # The support reports (insights.support): a period, a breakdown, a table as CSV.
        ("/admin/insights/supportreport/", {"days", "start", "end", "by", "export"}),
    ]
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        cl = client.get(url).context.get("cl")
        if cl is None:
            continue
        params = {"q", "o", "p", *getattr(model_admin, "link_lookups", ())}
        params |= {p for spec in cl.filter_specs for p in spec.expected_parameters()}
        if field := model_admin.date_hierarchy:
            params |= {f"{field}__{part}" for part in ("year", "month", "day")}
        lists.append((url, params))
    return lists


@pytest.mark.slow
@pytest.mark.django_db
@settings(DB_SETTINGS, max_examples=150)
@given(data=st.data())
def test_every_staff_list_answers_any_parameter_value(client, staff_lists, data):
    url, params = data.draw(st.sampled_from(staff_lists))
    query = data.draw(st.dictionaries(st.sampled_from(sorted(params)), STAFF_VALUE, max_size=3))
    response = client.get(url, query)
    assert response.status_code < 500, (url, query)
