import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tickets import services
from tickets.forms import signed_start
from tickets.models import Ticket


@pytest.fixture
def ticket_data():
    """A valid contact form, filled in a minute ago (past the minimum fill time)."""

    def make(**overrides):
        data = {
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "subject": "Requests fail with billing_required",
            "category": "billing",
            "error_message": '{"error":{"code":"billing_required"}}',
            "endpoint": "/v1/chat/completions",
            "request_id": "req_8f2a91",
            "reproducibility": "always",
            "plan": "Team",
            "model_name": "gpt-large",
            "occurred_at": "2026-11-25T09:30",
            "occurred_tz": "Europe/Berlin",
            "description": "Every request from our backend fails since this morning.",
            "started": signed_start(time.time() - 60),
            "intake": "intake-1",
            "website": "",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return make


@pytest.fixture
def make_ticket(db):
    counter = iter(range(1, 100_000))

    def make(**kw):
        n = next(counter)
        ticket = Ticket(
            email=kw.pop("email", f"customer{n}@example.com"),
            subject=kw.pop("subject", f"Problem {n}"),
            description=kw.pop("description", f"Description of problem {n}."),
            **kw,
        )
        return services.create_ticket(ticket)

    return make


def _staff(username, group):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", f"pw-{username}-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def agent(db):
    return _staff("agent", "Support agents")


@pytest.fixture
def editor(db):
    return _staff("editor", "Content editors")
