"""Slack's request signing, checked against the example Slack publishes."""

import pytest

from slack import signing
from tests.slack.conftest import SECRET

# The body, timestamp and signature of Slack's own example
# (https://api.slack.com/authentication/verifying-requests-from-slack).
BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
    b"channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
    b"command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
    b"%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
    b"trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
TIMESTAMP = "1531420618"
SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def verify(**changes):
    arguments = {
        "secret": SECRET,
        "timestamp": TIMESTAMP,
        "signature": SIGNATURE,
        "body": BODY,
        "max_age": 300,
        "now": int(TIMESTAMP) + 10,
    }
    signing.verify(**{**arguments, **changes})


def test_slacks_published_example_signs_as_documented():
    assert signing.sign(SECRET, TIMESTAMP, BODY) == SIGNATURE
    verify()  # taken


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"body": BODY + b"&x=1"}, "does not match"),
        ({"secret": SECRET[:-1] + "6"}, "does not match"),
        ({"signature": SIGNATURE[:-1] + "c"}, "does not match"),
        ({"signature": SIGNATURE.replace("v0=", "v1=")}, "does not match"),
        ({"signature": "v0=é" + SIGNATURE[4:]}, "does not match"),
        ({"timestamp": "1531420619"}, "does not match"),  # the timestamp is signed
        ({"now": int(TIMESTAMP) + 301}, "too far"),  # replayed over five minutes later
        ({"now": int(TIMESTAMP) - 301}, "too far"),
        ({"timestamp": ""}, "no signature"),
        ({"signature": ""}, "no signature"),
        ({"timestamp": "１５３１４２０６１８"}, "no number"),
        ({"timestamp": "-1"}, "no number"),
        ({"timestamp": "9" * 400}, "no number"),
    ],
)
def test_anything_else_is_refused(changes, why):
    with pytest.raises(signing.Refused, match=why):
        verify(**changes)
