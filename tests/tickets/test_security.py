"""Findings of the security review (issue 10) on the ticket side: each test failed on the
code before its fix (on the engine named, where only one showed it)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import models
from django.test import RequestFactory
from django.utils import timezone

from core.addresses import address_key
from tests.tickets.links import PRIVATE_LINK, emailed_link, link_in, open_from_requests
from tickets import emails, merging, services
from tickets.models import OutboundEmail, Ticket, TicketLink

LOST_LINK = "/support/tickets/"


def _lost_link(client, address, capture):
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(LOST_LINK, {"email": address})
    return response


# 1. Look-alike addresses (PostgreSQL's UPPER('ı') is 'I').


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Bob@GMAIL.com", "bob@gmail.com"),
        ("  bob@gmail.com ", "bob@gmail.com"),
        ("bob@gmaıl.com", "bob@xn--gmal-nza.com"),  # dotless ı: another domain
        ("bob@ｇｍａｉｌ.com", "bob@gmail.com"),  # full-width: IDNA maps it as mail does
        ("x@Bücher.de", "x@xn--bcher-kva.de"),
    ],
)
def test_addresses_have_one_normal_form(typed, key):
    assert address_key(typed) == key


@pytest.mark.parametrize("typed", ["ſam@example.com", "bob@", "@x.org", "plain", "bıb@x.org"])
def test_addresses_without_a_normal_form_are_refused(typed):
    with pytest.raises(ValueError):
        address_key(typed)


def test_a_look_alike_address_gets_no_ones_links(
    client, content, make_ticket, django_capture_on_commit_callbacks
):
    make_ticket(email="bob@gmail.com")
    response = _lost_link(client, "bob@gmaıl.com", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert mail.outbox == []


def test_links_go_to_the_address_stored_on_each_ticket(
    client, content, make_ticket, django_capture_on_commit_callbacks
):
    first = make_ticket(email="Ada@Example.com")
    second = make_ticket(email="ada@example.com")
    _lost_link(client, "ADA@EXAMPLE.COM", django_capture_on_commit_callbacks)
    sent = {tuple(m.to): m.body for m in mail.outbox}
    assert set(sent) == {("Ada@Example.com",), ("ada@example.com",)}
    assert first.reference in sent[("Ada@Example.com",)]
    assert second.reference in sent[("ada@example.com",)]


@pytest.mark.parametrize("form", ["/support/", LOST_LINK])
def test_forms_refuse_a_local_part_that_only_looks_like_ascii(client, content, form, ticket_data):
    response = client.post(form, ticket_data(email="ſam@example.com"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "plain letters (A to Z)" in html
    assert 'value="ſam@example.com"' in html  # what was typed is kept
    assert not Ticket.objects.exists()


def test_the_per_address_rate_limit_counts_every_spelling_of_an_address(client, content):
    for typed in ["ada@example.com", "ADA@EXAMPLE.COM", "ada@ｅｘａｍｐｌｅ.com"]:
        assert client.post(LOST_LINK, {"email": typed}).status_code == 200
    assert client.post(LOST_LINK, {"email": " Ada@Example.com"}).status_code == 429


def test_same_requester_merges_compare_normal_forms(make_ticket, agent):
    kept = make_ticket(email="ada@example.com")
    same = make_ticket(email="ADA@ｅｘａｍｐｌｅ.com")
    assert merging.merge([kept, same], actor=agent) == kept
    other = make_ticket(email="bob@gmaıl.com")
    bob = make_ticket(email="bob@gmail.com")
    with pytest.raises(merging.MergeRefused):
        merging.merge([bob, other], actor=agent)


# 2. Each link keeps its own expiry.


def test_asking_for_new_links_revives_no_old_link(
    client, content, make_ticket, django_capture_on_commit_callbacks
):
    ticket = make_ticket(email="ada@example.com")
    old = emailed_link(ticket)
    TicketLink.objects.update(created_at=timezone.now() - timedelta(days=31))
    assert client.get(old).status_code == 404
    _lost_link(client, "ada@example.com", django_capture_on_commit_callbacks)
    fresh = open_from_requests(client, mail.outbox[0].body, ticket)
    assert client.get(fresh).status_code == 200
    assert client.get(old).status_code == 404


# 3. No usable link in a stored email; no probing lookups on bodies.


def test_no_stored_email_holds_a_link_whatever_its_state(
    client, content, make_ticket, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.tickets.broken_mailer.EmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(email="ada@example.com")
    email = ticket.emails.get(kind="ticket_received")
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.FAILED
    assert not PRIVATE_LINK.search(email.body) and "[private link 1]" in email.body
    assert not TicketLink.objects.filter(ticket=ticket).exists()  # dropped with the failure

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert emails.deliver(email.pk) == "sent"
    link = link_in(mail.outbox[-1].body)
    assert client.get(link).status_code == 200
    email.refresh_from_db()
    assert link not in email.body and "[private link 1]" in email.body


def test_text_that_looks_like_a_placeholder_gets_no_other_tickets_link(
    client, content, make_ticket, agent
):
    ada = make_ticket(email="ada@example.com")
    emailed_link(ada)
    email = services.staff_update(
        ada,
        actor=agent,
        reply="See [private link 2] and [private link 1].",
    ).emails.get(kind="staff_reply")
    assert emails.deliver(email.pk) == "sent"
    body = mail.outbox[-1].body
    assert "[private link 2]" in body  # nothing to fill it with: stays text
    assert len(PRIVATE_LINK.findall(body)) == 2  # the reply's own link, and the email's


@pytest.mark.parametrize(
    "lookup",
    ["body__regex=/support/tickets/a", "body__startswith=x", "body__contains=x", "to__regex=a"],
)
def test_the_outbound_admin_refuses_probing_lookups(client, agent, make_ticket, lookup):
    make_ticket()
    client.force_login(agent)
    response = client.get(f"/admin/tickets/outboundemail/?{lookup}")
    assert response.status_code == 400


def test_the_outbound_admin_still_filters_by_state_and_kind(client, agent, make_ticket):
    make_ticket()
    client.force_login(agent)
    response = client.get("/admin/tickets/outboundemail/?state__exact=pending&kind__exact=x")
    assert response.status_code == 200


# 5. Dates outside what a time zone can convert.


@pytest.mark.parametrize(
    ("when", "zone", "message"),
    [
        ("0001-01-01T00:00", "Asia/Tokyo", "Enter a date from 2000 onwards."),
        ("1999-12-31T23:59", "", "Enter a date from 2000 onwards."),
        ("9999-12-31T23:59", "Pacific/Pago_Pago", "This time is in the future."),
        ("9999-12-31T23:59", "", "This time is in the future."),
        # 8. With an offset of their own (a 500 on both engines: converted to UTC first).
        ("0001-01-01T00:00:00+14:00", "", "Enter a date from 2000 onwards."),
        ("0001-01-01T00:00:00+14:00", "Asia/Tokyo", "Enter a date from 2000 onwards."),
        ("9999-12-31T23:59:59-14:00", "", "This time is in the future."),
        ("9999-12-31T23:59:59-14:00", "Pacific/Pago_Pago", "This time is in the future."),
    ],
)
def test_far_dates_get_a_field_error(client, content, ticket_data, when, zone, message):
    response = client.post("/support/", ticket_data(occurred_at=when, occurred_tz=zone))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and f'value="{when}"' in html
    assert not Ticket.objects.exists()


# 9 and 10. Emails to an unverified address repeat nothing a stranger typed; subjects are
# plain text.


def test_the_confirmation_repeats_nothing_the_sender_typed(
    client, content, ticket_data, django_capture_on_commit_callbacks
):
    data = ticket_data(
        name="Win at evil.example", subject="<b>Claim</b> your prize at evil.example now"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/support/", data)
    [customer] = [m for m in mail.outbox if m.to == ["ada@example.com"]]
    ticket = Ticket.objects.get()
    assert ticket.reference in customer.subject
    assert "evil.example" not in customer.subject + customer.body
    [staff] = [m for m in mail.outbox if m.to != ["ada@example.com"]]
    assert "<b>Claim</b> your prize at evil.example now" in staff.subject  # plain text
    assert "Win at evil.example" in staff.body


def test_email_subjects_and_bodies_are_plain_text(make_ticket, agent):
    ticket = make_ticket(subject='Can\'t <script> & "quote"')
    staff = ticket.emails.get(kind="staff_new_ticket")
    assert staff.subject.endswith('Can\'t <script> & "quote"')
    services.staff_update(
        ticket,
        actor=agent,
        reply="Use <stream=true> & retry, it's fine",
    )
    reply = ticket.emails.get(kind="staff_reply")
    assert "Can't <script>" in reply.subject
    assert "Use <stream=true> & retry, it's fine" in reply.body
    for email in OutboundEmail.objects.all():
        assert not re.search(r"&(lt|gt|amp|quot|#x27|#39);", email.subject + email.body)


# 5b. The admin's lists filter only on what each admin declares: its list filters, date
# hierarchy, search, ordering and pages. Before, any lookup on a field not named secret
# was taken from the URL: `?reply_token__startswith=` gave away a ticket's reply address
# (an agent could then email in as the customer) in about 190 requests.


def _refused(response):
    """A 400, or Django's redirect for a list it cannot filter (`?e=1`)."""
    return response.status_code == 400 or (
        response.status_code == 302 and response["Location"].endswith("?e=1")
    )


def test_a_reply_token_cannot_be_recovered_from_the_queue(
    client, verified_login, admin_user, make_ticket
):
    ticket = make_ticket(subject="The customer's ticket")
    verified_login(client, admin_user)
    for probe in (ticket.reply_token[0], ticket.reply_token[:2]):
        response = client.get(f"/admin/tickets/ticket/?reply_token__startswith={probe}")
        assert _refused(response), probe
        assert b"The customer&#x27;s ticket" not in response.content


def _probes(model):
    """Lookups no admin declares: the review's own, and for this model a text lookup on
    its first plain field, a year no date has on each of its dates (a 500 before, on both
    engines: Django took `?created_at__year=0` as a filter and could not make the year's
    bounds), and a path through each of its relations."""
    probes = {
        "reply_token__startswith": "a",
        "email__regex": "^a",
        "id__gt": "0",
        "pk__in": "1,2",
        "ticket__reply_token__startswith": "a",
    }
    plain = [f for f in model._meta.concrete_fields if not f.is_relation and not f.primary_key]
    if plain:
        probes[f"{plain[0].name}__startswith"] = "a"
    for field in model._meta.concrete_fields:
        if isinstance(field, models.DateField):
            probes[f"{field.name}__year"] = "0"
        if field.is_relation:
            target = field.related_model._meta
            text = next((f for f in target.concrete_fields if not f.is_relation), target.pk)
            probes[f"{field.name}__{text.name}__startswith"] = "a"
    return probes


def _admin_lists():
    from django.contrib import admin
    from django.urls import reverse

    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        yield model, model_admin, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


@pytest.mark.slow
def test_every_admin_list_refuses_undeclared_lookups(
    client, verified_login, admin_user, make_ticket
):
    """Ours and third-party (auth, django-otp, axes, tasks): the admin site applies it to
    every ModelAdmin registered, so a new one cannot forget it."""
    make_ticket()
    verified_login(client, admin_user)
    checked = 0
    for model, _, url in _admin_lists():
        if "cl" not in client.get(url).context:
            continue  # a page of its own (the insights dashboard), no list to filter
        for lookup, value in _probes(model).items():
            response = client.get(url, {lookup: value})
            assert _refused(response), (url, lookup, response.status_code)
            checked += 1
    assert checked > 200


@pytest.mark.slow
def test_every_admin_list_still_takes_its_declared_filters(
    client, verified_login, admin_user, make_ticket
):
    """Two choices of each list filter (as the sidebar links them), the date
    hierarchy, the search, the ordering and the pages."""
    make_ticket()
    verified_login(client, admin_user)
    for _, model_admin, url in _admin_lists():
        page = client.get(url)
        cl = page.context.get("cl")
        if cl is None:
            continue
        queries = ["q=a", "o=1", "o=-1.2", "p=1", "all="]
        for spec in cl.filter_specs:
            choices = list(spec.choices(cl))[1:3]  # after "All", two (there can be dozens)
            queries += [choice["query_string"].lstrip("?") for choice in choices]
        if model_admin.date_hierarchy:
            field = model_admin.date_hierarchy
            queries += [f"{field}__year=2026", f"{field}__year=2026&{field}__month=2"]
            queries.append(f"{field}__year=2026&{field}__month=2&{field}__day=3")
        for query in queries:
            response = client.get(f"{url}?{query}")
            assert response.status_code == 200, (url, query, response.status_code)
    response = client.get("/admin/tickets/satisfactionrating/?days=90&rating__exact=good")
    assert response.status_code == 200 and b"Last 90 days" in response.content


# 8. Dates and numbers in the admin's list parameters that Python or the database cannot
# hold are refused like any unreadable filter value (Django's `?e=1`), not a 500.


@pytest.mark.parametrize(
    "query",
    [
        "year=9999",  # the hierarchy's next year, 10000, is no date
        "year=9999&month=12",
        "year=99999999999999999999",
        "year=²",
        "year=0",
        "year=2026&month=99999999999999999999",
        "year=2026&month=13",
        "year=2026&month=2&day=30",
    ],
)
def test_every_date_hierarchy_refuses_dates_out_of_range(client, verified_login, admin_user, query):
    verified_login(client, admin_user)
    checked = 0
    for _, model_admin, url in _admin_lists():
        if field := model_admin.date_hierarchy:
            response = client.get(url, _prefixed(field, query))
            assert _refused(response), (url, query, response.status_code)
            checked += 1
    assert checked >= 4


def _prefixed(field, query):
    return {f"{field}__{key}": value for key, value in (p.split("=") for p in query.split("&"))}


@pytest.mark.parametrize(
    ("url", "query"),
    [
        # A time whose conversion to UTC overflows (SQLite converts before comparing).
        ("/admin/kb/feedback/", {"updated_at__gte": "0001-01-01 00:00:00+14:00"}),
        ("/admin/kb/feedback/", {"updated_at__lt": "9999-12-31 23:59:59-14:00"}),
        ("/admin/otp_totp/totpdevice/", {"created_at__gte": "0001-01-01 00:00:00+14:00"}),
        # An id over 64 bits (SQLite cannot bind it).
        ("/admin/status/delivery/", {"notification": "99999999999999999999"}),
    ],
)
def test_list_filter_values_no_database_holds_are_refused(
    client, verified_login, admin_user, url, query
):
    verified_login(client, admin_user)
    response = client.get(url, query)
    assert _refused(response), response.status_code


def test_an_empty_to_field_is_no_field_on_any_admin_page(
    client, verified_login, admin_user, make_ticket
):
    """`?_to_field=` (empty) on a change or delete page was a 500 on every admin: Django
    checks the field it names only when there is one, then looks the empty name up."""
    make_ticket()
    verified_login(client, admin_user)
    checked = 0
    for model, _, url in _admin_lists():
        row = model._default_manager.order_by("pk").first()
        if row is None or "cl" not in client.get(url).context:
            continue
        for page in ("change", "delete"):
            response = client.get(f"{url}{row.pk}/{page}/", {"_to_field": ""})
            assert response.status_code in {200, 403}, (url, page, response.status_code)
            checked += 1
    assert checked >= 6


@pytest.mark.parametrize("chosen", ["99999999999999999999", "²", "a"])
def test_every_list_action_refuses_rows_that_are_no_ids(
    client, rf, verified_login, admin_user, make_ticket, chosen
):
    """Django filters the list by the chosen ids as they come: one that is no id of the
    model (or one over 64 bits, on SQLite) was a 500 for every action of every admin."""
    ticket = make_ticket()
    verified_login(client, admin_user)
    request = rf.get("/admin/")
    request.user = admin_user
    ran = 0
    for _, model_admin, url in _admin_lists():
        for action in model_admin.get_actions(request):
            data = {"action": action, "index": "0", "_selected_action": [chosen, ticket.pk]}
            response = client.post(url, data)
            assert response.status_code == 302, (url, action, response.status_code)
            assert response["Location"] == url
            ran += 1
    assert ran > 30
    ticket.refresh_from_db()
    assert ticket.assignee is None  # nothing was done to the row chosen with it


def test_every_admin_form_refuses_many_to_many_ids_no_row_has(
    client, rf, verified_login, admin_user
):
    """Django checks each chosen id by filtering by it: one over 64 bits was a 500 on
    SQLite (Group permissions, a user's groups, a guide's tags, an incident's components)."""
    verified_login(client, admin_user)
    request = rf.get("/admin/")
    request.user = admin_user
    checked, groups = 0, Group.objects.count()
    for model, model_admin, url in _admin_lists():
        if not model_admin.has_add_permission(request):
            continue
        many = [f.name for f in model._meta.many_to_many if f.name in _form_fields(model_admin)]
        for name in many:
            response = client.post(f"{url}add/", {name: ["99999999999999999999"]})
            assert response.status_code == 200, (url, name, response.status_code)
            assert "Select a valid choice" in response.content.decode(), (url, name)
            checked += 1
    assert checked >= 5
    assert Group.objects.count() == groups


def _form_fields(model_admin):
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_superuser=True)
    return model_admin.get_form(request).base_fields
