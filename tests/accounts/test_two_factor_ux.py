"""Two-factor sign-in, the person's side: saving new recovery codes (download, a confirmation
step, then never shown again) and "Remember this browser" at the code step."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import remember
from accounts.twofactor import make_recovery_codes
from kb.models import PublishState
from tests.accounts.conftest import PASSWORD, code_now, sign_in
from tests.accounts.test_two_factor import shown_codes
from tests.html import texts

pytestmark = pytest.mark.django_db

VERIFY = "/admin/two-factor/code/"
CODES = "/admin/two-factor/recovery-codes/"
SAVED = "/admin/two-factor/recovery-codes/saved/"
DOWNLOAD = "/admin/two-factor/recovery-codes/download/"
STATUS = "/admin/two-factor/"


@pytest.fixture
def app(staff):
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    device.recovery_codes = make_recovery_codes(user=staff)
    return device


@pytest.fixture
def new_codes(client, app, verified_login):
    """Sam, signed in, has just made new recovery codes: the page that shows them."""
    verified_login(client, app.user)
    assert client.post(CODES).url == CODES
    return shown_codes(client.get(CODES))


# Saving new recovery codes.


def test_the_codes_download_as_a_text_file(client, new_codes):
    response = client.get(DOWNLOAD)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="help-center-recovery-codes-sam.txt"'
    )
    assert "no-store" in response["Cache-Control"]
    lines = response.content.decode().splitlines()
    assert lines[0] == "Help center (http://127.0.0.1:8000): recovery codes for sam"
    assert [line for line in lines if line in new_codes] == new_codes
    page = client.get(CODES).content.decode()
    assert f'href="{DOWNLOAD}" download>Download as a text file</a>' in page


def test_the_copy_button_is_left_to_the_script(client, new_codes):
    """Hidden in the HTML: the script (a file, as the CSP wants) shows it where it works."""
    page = client.get(CODES).content.decode()
    assert 'data-copy-codes="recovery-codes"' in page and " hidden>Copy the codes</button>" in page
    assert '<script src="/static/js/recovery-codes.js" defer></script>' in page
    assert "<script>" not in page and " onclick=" not in page


def test_continuing_needs_the_box_ticked(client, new_codes):
    response = client.post(SAVED, {"next": "/admin/kb/"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<title>Error: ") == 1
    assert texts(html, "errorlist") == [
        "Tick the box once the codes are saved (downloaded, copied or written down): after this "
        "step they are not shown again."
    ]
    assert shown_codes(response) == new_codes  # still there to save
    assert '<input type="hidden" name="next" value="/admin/kb/">' in html


def test_once_saved_the_codes_are_gone_for_good(client, new_codes):
    next_url = "/admin/password_change/"
    response = client.post(SAVED, {"saved": "on", "next": next_url}, follow=True)

    assert response.redirect_chain == [(next_url, 302)]
    assert texts(response.content.decode(), "success") == [
        "Recovery codes saved: each works once, instead of a code from your authenticator app."
    ]
    assert client.get(CODES).url == STATUS
    assert client.get(DOWNLOAD).url == STATUS
    assert client.cookies["recovery_codes_pad"].value == ""  # the browser's half, deleted
    # Confirming again (another tab) just goes on.
    assert client.post(SAVED, {"saved": "on"}).url == "/admin/"


def test_the_codes_are_for_the_browser_that_made_them(client, new_codes, app):
    """The session holds them only encrypted with a pad the browser keeps (HttpOnly, sent
    to the codes pages alone): the same session without the pad gets nothing."""
    pad = client.cookies["recovery_codes_pad"]
    assert pad["httponly"] and pad["samesite"] == "Strict" and pad["path"] == CODES
    assert not pad["secure"]  # plain HTTP here; see the next test
    assert client.cookies["sessionid"]["path"] == "/"

    del client.cookies["recovery_codes_pad"]
    assert client.get(CODES).url == STATUS
    assert client.get(DOWNLOAD).url == STATUS


def test_cookies_are_secure_over_https(client, app, verified_login, settings):
    settings.SESSION_COOKIE_SECURE = True
    verified_login(client, app.user)
    client.post(CODES)
    assert client.cookies["recovery_codes_pad"]["secure"]
    client.post("/admin/logout/")
    sign_in(client)
    client.post(VERIFY, {"code": code_now(app), "remember": "on"})
    assert client.cookies[remember.COOKIE]["secure"]


# Remember this browser.


def remembered_sign_in(client, app):
    sign_in(client)
    response = client.post(VERIFY, {"code": code_now(app), "remember": "on"})
    assert response.status_code == 302
    client.post("/admin/logout/")
    return client.cookies[remember.COOKIE]


def test_a_remembered_browser_skips_the_code_step(client, app):
    sign_in(client)
    html = client.get(VERIFY).content.decode()
    assert '<label for="id_remember" class="vCheckboxLabel">' in html
    assert "Remember this browser for 30 days</label>" in html

    client.post(VERIFY, {"code": code_now(app), "remember": "on"})
    cookie = client.cookies[remember.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/admin/"
    assert cookie["max-age"] == 30 * 24 * 3600
    client.post("/admin/logout/")

    response = sign_in(client, next="/admin/")
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_without_the_box_the_next_sign_in_asks_again(client, app):
    sign_in(client)
    client.post(VERIFY, {"code": code_now(app)})
    assert remember.COOKIE not in client.cookies
    client.post("/admin/logout/")
    sign_in(client)
    assert client.get("/admin/").url == f"{VERIFY}?next=/admin/"


def test_a_remembered_browser_previews_drafts_straight_after_the_password(client, app, make_guide):
    from django.contrib.auth.models import Permission

    app.user.user_permissions.set(Permission.objects.filter(codename="change_guide"))
    draft = make_guide("Unreleased", status=PublishState.DRAFT)
    remembered_sign_in(client, app)

    assert sign_in(client, next=draft.get_absolute_url()).url == draft.get_absolute_url()
    assert client.get(draft.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "change",
    ["new password", "new authenticator app", "two-factor reset", "another user", "forged"],
)
def test_a_change_makes_remembered_browsers_ask_again(client, app, change, superuser):
    cookie = remembered_sign_in(client, app)
    username, password = "sam", PASSWORD
    if change == "new password":
        password = "Another-pass-456"
        app.user.set_password(password)
        app.user.save()
    elif change == "new authenticator app":
        TOTPDevice.objects.filter(pk=app.pk).delete()
        app = TOTPDevice.objects.create(user=app.user, name="New phone", confirmed=True)
    elif change == "two-factor reset":
        from accounts.twofactor import remove_two_factor

        remove_two_factor(users=[app.user])
        app = TOTPDevice.objects.create(user=app.user, name="Set up again", confirmed=True)
    elif change == "another user":
        TOTPDevice.objects.create(user=superuser, name="Root's phone", confirmed=True)
        username, password = "root", "Root-pass-123"
    else:
        client.cookies[remember.COOKIE] = cookie.value[:-2] + "xx"

    sign_in(client, username=username, password=password)
    assert client.get("/admin/").url == f"{VERIFY}?next=/admin/"


def test_remembered_for_the_days_set_and_no_longer(client, app, settings):
    cookie = remembered_sign_in(client, app)
    data = signing.loads(cookie.value, salt=remember.SALT)

    class ThirtyOneDaysAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 31 * 24 * 3600)

    client.cookies[remember.COOKIE] = ThirtyOneDaysAgo(salt=remember.SALT).sign_object(data)
    sign_in(client)
    assert client.get("/admin/").url == f"{VERIFY}?next=/admin/"
    client.post("/admin/logout/")

    # Fewer days set than a cookie was given for: it ends sooner.
    client.cookies[remember.COOKIE] = cookie.value
    settings.STAFF_2FA_REMEMBER_DAYS = 0  # and 0: not offered, and none honoured
    sign_in(client)
    assert client.get("/admin/").url == f"{VERIFY}?next=/admin/"
    assert "Remember this browser" not in client.get(VERIFY).content.decode()
    settings.STAFF_2FA_REMEMBER_DAYS = 7
    assert "Remember this browser for 7 days" in client.get(VERIFY).content.decode()


def test_the_two_factor_page_says_so_and_forgets_this_browser(client, app):
    remembered_sign_in(client, app)
    sign_in(client)
    status = client.get(STATUS).content.decode()
    until = timezone.now() + timedelta(days=30)
    assert (
        texts(status, "content")[0].count(
            f"This browser skips the code step until {until.day} {until:%B %Y}."
        )
        == 1
    )

    response = client.post("/admin/two-factor/forget-browser/", follow=True)

    assert texts(response.content.decode(), "success") == [
        "This browser will ask for your code at your next sign-in."
    ]
    assert "asks for a code at each sign-in" in response.content.decode()
    client.post("/admin/logout/")
    sign_in(client)
    assert client.get("/admin/").url == f"{VERIFY}?next=/admin/"
