"""Properties over any text a stranger can type (hypothesis), on the functions every public
path goes through: search, address keys, and the ticket form down to the database."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.addresses import address_key
from search.services import search
from tickets import services
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


@settings(max_examples=500)
@given(TEXT)
def test_an_address_has_one_normal_form_or_none(text):
    try:
        key = address_key(text)
    except ValueError:
        return
    assert key.isascii() and key == key.lower()
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
