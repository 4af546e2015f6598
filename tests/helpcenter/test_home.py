import pytest

from core.text import plural
from kb.models import PublishState
from tests.html import texts


def card_titles(response):
    return texts(response.content.decode(), "card__title")


@pytest.mark.django_db
def test_home_shows_every_section_from_the_database(client, content):
    html = client.get("/").content.decode()
    assert "Troubleshoot faster. Ship without blockers." in html
    assert "End-to-end support resources for onboarding" in html
    assert "Platform status: <strong>All Systems Operational</strong>" in html
    assert "6 resources found" in html
    assert "Comprehensive troubleshooting runbooks" in html
    assert "If login is still blocked, contact support" in html
    assert "To get an answer sooner, tell us" in html
    assert "Frequently asked questions" in html
    assert html.count('class="faq"') >= 10


@pytest.mark.django_db
def test_cards_show_tag_line_title_summary_and_link(client, content):
    html = client.get("/").content.decode()
    assert (
        'onboarding<span aria-hidden="true"> · </span><span class="visually-hidden">, </span>'
        "auth" in html
    )
    assert "Quickstart: from account creation to first model response" in html
    assert "Register, verify email, add billing on Free tier" in html
    assert 'href="/kb/quickstart/" aria-label="Open guide: Quickstart' in html


@pytest.mark.django_db
def test_search_narrows_cards_and_count(client, content):
    response = client.get("/", {"q": "2fa"})
    titles = card_titles(response)
    assert any(t.startswith("Authentication and security") for t in titles)
    assert len(titles) < 6
    assert f"{plural(len(titles), 'resource')} found" in response.content.decode()


@pytest.mark.django_db
def test_documents_with_every_word_rank_first(client, make_guide, page_blocks):
    make_guide("Rotate keys", body="How to rotate an API key.")
    make_guide("Rotate passwords", body="Passwords only.")
    make_guide("Unrelated", body="Nothing here.")
    assert card_titles(client.get("/", {"q": "rotate key"})) == ["Rotate keys", "Rotate passwords"]


@pytest.mark.django_db
def test_tag_filter_combines_with_query(client, make_guide, page_blocks):
    make_guide("Plan limits", tags=["billing"])
    make_guide("Invoice limits", tags=["invoices"])
    make_guide("Payment methods", tags=["billing"])
    response = client.get("/", {"q": "limits", "tag": "billing"})
    assert card_titles(response) == ["Plan limits"]
    assert "1 resource found" in response.content.decode()


@pytest.mark.django_db
def test_drafts_are_not_listed(client, make_guide, page_blocks):
    make_guide("Visible")
    make_guide("Secret draft", status=PublishState.DRAFT)
    assert card_titles(client.get("/")) == ["Visible"]
    assert card_titles(client.get("/", {"q": "Secret"})) == []


@pytest.mark.django_db
def test_no_result_suggests_next_steps(client, content):
    html = client.get("/", {"q": "zzzyzzy"}).content.decode()
    assert "0 resources found" in html
    assert "Nothing matches “zzzyzzy”" in html
    assert 'href="/support/?q=zzzyzzy"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "'",
        '"',
        "%",
        "_",
        "\\",
        "C++",
        "<script>alert(1)</script>",
        "x" * 5000,
        "🙂",
        "' OR 1=1 --",
    ],
)
def test_any_input_is_safe(client, content, query):
    response = client.get("/", {"q": query, "tag": "not a slug!"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.django_db
def test_htmx_request_gets_only_the_results_fragment(client, content):
    response = client.get("/", {"q": "2fa"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="kb-results"')
    assert "<html" not in html and "Troubleshoot faster" not in html
    assert 'data-hx-swap-oob="innerHTML:#result-count"' in html
    assert f"{plural(len(card_titles(response)), 'resource')} found" in html
    assert response["Vary"] == "HX-Request, HX-Search-Submitted"


@pytest.mark.django_db
def test_htmx_history_restore_gets_the_full_page(client, content):
    response = client.get(
        "/", {"q": "2fa"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


@pytest.mark.django_db
def test_search_form_works_without_javascript(client, content):
    html = client.get("/", {"q": "billing", "tag": "billing"}).content.decode()
    assert 'method="get" action="/#knowledge-base"' in html
    assert 'name="q" value="billing"' in html
    assert 'value="billing" checked' in html


@pytest.mark.django_db
@pytest.mark.parametrize("guides", [3, 40])
def test_home_query_count_does_not_grow_with_guides(
    client,
    make_guide,
    make_runbook,
    make_faq,
    page_blocks,
    django_assert_num_queries,
    guides,
    status_unchanged,
    settings,
):
    settings.PAGE_CACHE = False  # what a render costs
    for n in range(guides):
        make_guide(tags=[f"tag{n % 7}", "common"])
    for _ in range(3):
        make_runbook(related_guides=[], tags=["common"])
    make_faq()
    with django_assert_num_queries(9):
        assert client.get("/").status_code == 200
    search = {"q": "guide", "tag": "common"}
    client.get("/", search, headers={"HX-Request": "true"})  # builds the typo vocabulary once
    # The page of documents, with the count riding along (the sections of its guides are read
    # only for guides whose title lacks a word searched for: none here).
    with django_assert_num_queries(1):
        response = client.get("/", search, headers={"HX-Request": "true"})
    assert response.context["result_count"] == guides


@pytest.mark.django_db
def test_home_rejects_post(client):
    assert client.post("/").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "target"), [("/kb/", "/#knowledge-base"), ("/runbooks/", "/#runbooks")]
)
def test_section_urls_lead_to_their_section(client, url, target):
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, target)


@pytest.mark.django_db
def test_live_search_replaces_the_address_with_its_own(client, content):
    """One history entry for the whole search, at an address without htmx's cache-buster."""
    headers = {"HX-Request": "true"}
    response = client.get(
        "/", {"q": "rate limit", "tag": "", "org.htmx.cache-buster": "kb-results"}, headers=headers
    )
    assert response["HX-Replace-Url"] == "/?q=rate+limit"
    assert "HX-Push-Url" not in response
    response = client.get("/", {"q": "", "tag": "billing"}, headers=headers)
    assert response["HX-Replace-Url"] == "/?tag=billing"


@pytest.mark.django_db
def test_a_link_to_an_faq_entry_opens_it(client, content):
    html = client.get("/", {"faq": "rotate-api-key"}).content.decode()
    assert '<details class="faq" id="faq-rotate-api-key" open>' in html
    assert html.count('<details class="faq"') > 1
    assert html.count("open>") == 1  # that one only
