"""Synonyms editors keep in the admin: used by the engine in use, never shown as a rewrite."""

import pytest
from django.core.exceptions import ValidationError

from search.models import Synonym
from search.services import search
from tests.html import texts

pytestmark = pytest.mark.django_db


def urls(query, **kw):
    return [hit.url for hit in search(query, **kw).hits]


def test_the_shipped_synonyms_find_each_other(make_guide):
    make_guide("Single sign-on", slug="sso", body="Log in with your company account.")
    make_guide("Two-factor authentication", slug="two-factor", body="Set it up once.")
    make_guide("Mobile app", slug="app", body="Turn on 2FA in the app.")
    for query in ("sign in", "login", "signin", "log in"):
        assert urls(query, as_you_type=False) == ["/kb/sso/"], query
    assert set(urls("2fa", as_you_type=False)) == {"/kb/two-factor/", "/kb/app/"}
    assert set(urls("two factor", as_you_type=False)) == {"/kb/two-factor/", "/kb/app/"}
    assert set(urls("mfa", as_you_type=False)) == {"/kb/two-factor/", "/kb/app/"}


def test_one_way_synonyms_find_in_one_direction(make_guide):
    keys = {make_guide(f"API keys {n}", slug=f"keys-{n}").get_absolute_url() for n in range(3)}
    make_guide("Counting usage", slug="usage", body="Each api token costs money.")
    assert set(urls("api token", as_you_type=False)) == {*keys, "/kb/usage/"}
    assert set(urls("api key", as_you_type=False)) == keys


def test_a_synonym_is_no_rewrite_the_user_is_told_of(client, make_guide):
    make_guide("Single sign-on", slug="sso", body="Log in with your company account.")
    results = search("signin", as_you_type=False)
    assert results.corrected is None
    html = client.get("/search/", {"q": "signin"}).content.decode()
    assert "Showing results for" not in html
    assert texts(html, "result-count")[0] == "1 result for “signin”"
    assert "<mark>Log in</mark>" not in html  # "in" is no word searched for
    assert "<mark>Log</mark> in" in html


def test_editors_changes_apply_at_once(client, make_guide):
    make_guide("Webhooks", slug="webhooks")
    assert urls("callback", as_you_type=False) == []
    assert "0 results" in client.get("/search/", {"q": "callback"}).content.decode()
    synonym = Synonym.objects.create(terms="callback, webhook")
    assert urls("callback", as_you_type=False) == ["/kb/webhooks/"]
    assert "1 result for" in client.get("/search/", {"q": "callback"}).content.decode()
    synonym.one_way = True
    synonym.terms = "webhook, callback"
    synonym.save()
    assert urls("callback", as_you_type=False) == []
    synonym.delete()
    assert urls("webhook", as_you_type=False) == ["/kb/webhooks/"]


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("login", "at least two"),
        ("login, Login, LOGIN", "at least two"),
        ("login, the", "no word to search for"),
        ("login, how do I sign in to my own team workspace", "keep each term to 3 words"),
    ],
)
def test_synonyms_that_cannot_work_are_refused_clearly(terms, message):
    with pytest.raises(ValidationError) as error:
        Synonym(terms=terms).full_clean()
    assert message in str(error.value)


def test_terms_are_tidied():
    synonym = Synonym(terms=" log in ,login,, sign-in ")
    synonym.full_clean()
    assert synonym.terms == "log in, login, sign-in"
    assert synonym.keys() == ["log", "login", "sign"]


def test_content_editors_keep_synonyms_in_the_admin(client, staff_in, make_guide):
    make_guide("Webhooks", slug="webhooks")
    client.force_login(staff_in("Content editors"))
    assert client.get("/admin/search/synonym/").status_code == 200
    refused = client.post("/admin/search/synonym/add/", {"terms": "callback"})
    assert "Give at least two different terms" in refused.content.decode()
    assert 'value="callback"' in refused.content.decode()  # nothing typed is lost
    added = client.post("/admin/search/synonym/add/", {"terms": "callback, webhook"})
    assert added.status_code == 302
    assert urls("callback", as_you_type=False) == ["/kb/webhooks/"]
