import pytest
from django.core.management import call_command
from django.db import connection

from insights.models import SearchQuery
from kb.models import PublishState
from search import engine
from search.services import search
from tests.html import texts

pytestmark = pytest.mark.django_db


def urls(query, **kw):
    return [hit.url for hit in search(query, **kw).hits]


def test_error_code_puts_the_declaring_runbook_above_prose(make_guide, make_runbook):
    make_guide(
        "Email verified: what it means",
        slug="prose",
        body="Your email is verified. Once the email is verified, verified email " * 10,
    )
    runbook = make_runbook("Sign-in trouble", slug="signin", error_codes="email_not_verified")
    assert urls("email_not_verified")[0] == runbook.get_absolute_url()
    pasted = '{"error":{"code":"email_not_verified","message":"Your email is not verified"}}'
    assert urls(pasted)[0] == runbook.get_absolute_url()


def test_title_outweighs_tags_and_tags_outweigh_body(make_guide):
    make_guide("Plain", slug="in-body", body="quota " * 3)
    make_guide("Other", slug="in-tags", tags=["quota"])
    make_guide("Quota explained", slug="in-title")
    assert urls("quota", as_you_type=False) == ["/kb/in-title/", "/kb/in-tags/", "/kb/in-body/"]


def test_unfinished_word_matches_titles_codes_and_tags_not_bodies(make_guide):
    make_guide("Streaming responses", slug="in-title")
    make_guide("Other", slug="in-body", body="About streaming.")
    assert urls("streami") == ["/kb/in-title/"]  # still typing: no prefix scan of bodies
    assert set(urls("streaming ")) == {"/kb/in-title/", "/kb/in-body/"}  # a finished word


def test_the_word_being_typed_also_finds_bodies_that_say_it(make_guide):
    make_guide("Other", slug="in-body", body="Requests fail with an error.")
    make_guide("Error handling", slug="in-title")
    assert urls("error") == ["/kb/in-title/", "/kb/in-body/"]  # the title first
    assert urls("erro") == ["/kb/in-title/"]  # unfinished: a prefix of titles only


@pytest.mark.parametrize("query", ["error", "streaming", "api", "model", "invite link"])
def test_home_search_finds_at_least_what_the_results_page_finds(client, content, query):
    home = client.get("/", {"q": query}).content.decode()
    page = client.get("/search/", {"q": query}).content.decode()
    on_home = int(texts(home, "result-count")[0].split()[0])
    on_page = int(texts(page, "result-count")[0].split()[0])
    assert on_home >= on_page > 0


def test_last_word_matches_as_a_prefix(make_guide):
    make_guide("Streaming responses", slug="streaming")
    assert urls("stre") == ["/kb/streaming/"]


def test_a_word_cut_short_before_enter_is_completed_not_corrected(make_guide):
    make_guide("Authentication basics", slug="auth")
    make_guide("Other", slug="other", body="An attendant attended.")
    results = search("authent", as_you_type=False)
    assert [hit.url for hit in results.hits] == ["/kb/auth/"]
    assert results.corrected is None
    assert "<mark>Authentication</mark>" in results.hits[0].title_html
    # A word of the index stays a whole word: "stream" does not find "streamline".
    make_guide("Streamline costs", slug="streamline")
    make_guide("Stream basics", slug="stream")
    assert urls("stream", as_you_type=False) == ["/kb/stream/"]


def test_typo_is_corrected_and_said(make_guide):
    make_guide("Billing basics", slug="billing")
    results = search("biling")
    assert [hit.url for hit in results.hits] == ["/kb/billing/"]
    assert results.corrected == "billing"
    assert search("billing").corrected is None


def test_snippet_escapes_content_then_marks_words(make_guide):
    make_guide(
        "Tokens", slug="tokens", body="Never paste `<script>alert(1)</script>` with a token."
    )
    hit = search("token").hits[0]
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>token</mark>" in hit.snippet
    assert hit.title_html == "<mark>Tokens</mark>"


@pytest.mark.parametrize("accent", ["", "Café. "])
def test_snippet_starts_at_the_first_word_matched(make_guide, accent):
    filler = "lorem ipsum " * 20
    body = f"{accent}{filler} Retokens. {filler} Token appears in my_token. {filler}"
    make_guide("Other", slug="other", body=body)
    hit = search("token", as_you_type=False).hits[0]
    # Inside a word is not where a word starts (nor is after `_` in an identifier): the
    # snippet skips to "Token".
    assert hit.snippet.startswith("… ")
    assert "<mark>Token</mark> appears in my_token." in hit.snippet
    assert "Retokens" not in hit.snippet


def test_tag_filter_combines_with_the_query(make_guide):
    make_guide("Keys for billing", slug="a", tags=["billing"])
    make_guide("Keys for teams", slug="b", tags=["team"])
    assert urls("keys", tag="billing") == ["/kb/a/"]


def test_index_follows_saves_unpublishing_and_deletes(make_guide, make_faq):
    guide = make_guide("Webhooks", slug="webhooks")
    assert urls("webhooks") == ["/kb/webhooks/"]
    guide.title = "Callbacks"
    guide.save()
    assert urls("webhooks") == [] and urls("callbacks") == ["/kb/webhooks/"]
    guide.status = PublishState.DRAFT
    guide.save()
    assert urls("callbacks") == []
    faq = make_faq("Do you support webhooks?")
    assert urls("webhooks") == [f"/?faq={faq.slug}#faq-{faq.slug}"]
    faq.delete()
    assert urls("webhooks") == []


def test_rebuild_command_restores_the_index(make_guide, capsys):
    make_guide("Webhooks", slug="webhooks")
    from search.models import SearchDocument

    SearchDocument.objects.all().delete()
    assert urls("webhooks") == []
    call_command("rebuild_search_index")
    assert "Indexed 1 document." in capsys.readouterr().out
    assert urls("webhooks") == ["/kb/webhooks/"]


@pytest.mark.parametrize(
    "query",
    ["'", '"', "-", ":", "C++", "10.5", "don't", "🙂", "' OR 1=1 --", "a:b & c | !d", "x" * 2000,
     "((", "*", "NEAR(a b)", "title:foo", "\\", "%_%"],
)  # fmt: skip
def test_any_input_is_safe(client, content, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert b"Traceback" not in response.content


def test_over_long_input_is_cut_with_a_notice(client, content):
    html = client.get("/search/", {"q": "billing " * 100}).content.decode()
    assert "only its first 200 characters were used" in html


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_queries_show_the_browse_view(client, content, query):
    html = client.get("/search/", {"q": query}).content.decode()
    assert "Type what you are looking for" in html
    home = client.get("/", {"q": query}).content.decode()
    assert "6 resources found" in home


@pytest.mark.parametrize("query", ["the a of", "don't"])
def test_stop_word_queries_show_the_browse_view_and_say_why(client, content, query):
    html = client.get("/search/", {"q": query}).content.decode()
    assert "Nothing to search for" in html
    home = client.get("/", {"q": query}).content.decode()
    assert "6 guides below" in home


def test_highlights_whole_words_and_their_endings_only(make_guide, make_runbook):
    make_guide(
        "Errors",
        slug="errors",
        body="Use https://api.example.com: an HTTP 500 is not final, model_not_available is "
        "not either, and retried calls succeed.",
    )
    snippet = search("http 500", as_you_type=False).hits[0].snippet
    assert "<mark>HTTP</mark> <mark>500</mark>" in snippet
    assert "https" in snippet and "<mark>https" not in snippet
    snippet = search("not retry", as_you_type=False).hits[0].snippet
    assert "model_not_available" in snippet and "is <mark>not</mark> final" in snippet
    assert "<mark>retried</mark>" in snippet
    make_runbook("Model trouble", slug="model", error_codes="model_not_available")
    [snippet] = [
        hit.snippet
        for hit in search("model_not_available", as_you_type=False).hits
        if hit.url == "/kb/errors/"
    ]
    assert "<mark>model_not_available</mark> is not either" in snippet


def test_a_corrected_search_counts_what_it_searched(client, content):
    html = client.get("/search/", {"q": "athentication"}).content.decode()
    count = texts(html, "result-count")[0]
    assert int(count.split()[0]) > 0
    assert "for “authentication”" in count
    assert "No results for" not in html
    home = client.get("/", {"q": "athentication"}).content.decode()
    assert "found for “authentication”" in texts(home, "result-count")[0]


@pytest.mark.parametrize("query", ["a", "x", "the"])
def test_a_query_with_no_word_to_search_says_so(client, content, query):
    html = client.get("/search/", {"q": query}).content.decode()
    assert f"Nothing to search for in “{query}”" in texts(html, "result-count")[0]
    home = client.get("/", {"q": query}).content.decode()
    count = texts(home, "result-count")[0]
    assert f"Nothing to search for in “{query}”" in count
    assert "found" not in count


def test_results_page_shows_kinds_count_and_correction(client, content):
    html = client.get("/search/", {"q": "biling"}).content.decode()
    assert "Showing results for <strong>billing</strong>" in html
    count = int(texts(html, "result-count")[0].split()[0])
    assert count == len(texts(html, "card__title"))
    assert "Runbook" in texts(html, "eyebrow")[0]


def test_results_are_paginated(client, make_guide):
    for n in range(23):
        make_guide(f"Webhook recipe {n}")
    first = client.get("/search/", {"q": "webhook"}).content.decode()
    assert "23 results for “webhook”, page 1 of 3" in first
    assert len(texts(first, "card__title")) == 10
    last = client.get("/search/", {"q": "webhook", "page": 3}).content.decode()
    assert len(texts(last, "card__title")) == 3
    assert 'rel="next"' not in last
    assert client.get("/search/", {"q": "webhook", "page": "x"}).status_code == 200
    past = client.get("/search/", {"q": "webhook", "page": 9}).content.decode()
    assert "23 results for “webhook”, page 3 of 3" in past  # an old link: the last page
    assert len(texts(past, "card__title")) == 3
    beyond = search("webhook", page=9)
    assert (beyond.hits, beyond.total) == ([], 23)


def test_zero_results_and_opens_are_logged_without_personal_data(client, content):
    client.get("/search/", {"q": "Zzqxv  WWQQP"})
    client.get("/search/", {"q": "zzqxv wwqqp"})
    gap = SearchQuery.objects.get(text="zzqxv wwqqp")
    assert (gap.searches, gap.zero_results) == (2, 2)
    assert [f.name for f in SearchQuery._meta.fields] == [
        "id",
        "text",
        "searches",
        "zero_results",
        "opens",
        "last_results",
        "last_seen",
    ]

    html = client.get("/search/", {"q": "billing_required"}).content.decode()
    link = html.split('class="card__title"><a href="')[1].split('"')[0].replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == "/runbooks/billing-required/"
    assert SearchQuery.objects.get(text="billing_required").opens == 1


def test_open_cannot_redirect_elsewhere(client, content):
    assert client.get("/search/open/999999/?q=x").status_code == 404


def test_staff_see_the_content_gaps_report(admin_client, content):
    SearchQuery.record("zzqxv wwqqp", total=0)
    SearchQuery.record("billing", total=5)
    html = admin_client.get("/admin/insights/searchquery/?gap=zero").content.decode()
    assert "zzqxv wwqqp" in html
    assert "billing</" not in html
    html = admin_client.get("/admin/insights/searchquery/?gap=unopened").content.decode()
    assert "billing</" in html
    assert "zzqxv wwqqp" not in html


def test_error_code_also_finds_documents_that_mention_it(make_guide, make_runbook):
    guide = make_guide("Billing", slug="billing", body="A request may fail with billing_required.")
    make_guide("Unrelated", slug="other", body="Billing is monthly. A field is required.")
    runbook = make_runbook("Payment needed", slug="pay", error_codes="billing_required")
    assert urls("billing_required") == [runbook.get_absolute_url(), guide.get_absolute_url()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL ranks candidates")
def test_past_the_ranked_candidates_every_match_still_comes_once(make_guide, monkeypatch):
    monkeypatch.setattr(engine, "CANDIDATES", 3)
    in_body = [make_guide("Other", slug=f"body-{n}", body="webhook " * (n + 1)) for n in range(5)]
    make_guide("Other", slug="tagged", tags=["webhook"])
    make_guide("Webhook setup", slug="title")
    first = urls("webhook", as_you_type=False, per_page=4)
    second = urls("webhook", as_you_type=False, per_page=4, page=2)
    # Head matches are the first candidates and keep their order: title, then tags.
    assert first[:2] == ["/kb/title/", "/kb/tagged/"]
    assert sorted(first + second) == sorted(
        ["/kb/title/", "/kb/tagged/", *(g.get_absolute_url() for g in in_body)]
    )


def test_live_typing_is_not_logged_but_a_sent_search_is(client, content):
    typing = {"HX-Request": "true"}
    client.get("/", {"q": "zzqxv"}, headers=typing)
    assert not SearchQuery.objects.exists()
    client.get("/", {"q": "zzqxv"}, headers={**typing, "HX-Search-Submitted": "true"})
    client.get("/", {"q": "zzqxv"})  # without JavaScript
    assert SearchQuery.objects.get().zero_results == 2


def test_searches_under_a_tag_are_no_content_gap(client, content):
    client.get("/search/", {"q": "billing", "tag": "team"})
    client.get("/", {"q": "billing", "tag": "team"})
    assert not SearchQuery.objects.exists()


def test_a_malformed_tag_keeps_the_query(client, content):
    html = client.get("/search/", {"q": "billing", "tag": "bad tag!"}).content.decode()
    assert int(texts(html, "result-count")[0].split()[0]) > 0


def test_an_error_code_at_the_end_of_a_long_pasted_body_still_leads(make_guide, make_runbook):
    runbook = make_runbook("Payment needed", slug="pay", error_codes="billing_required")
    make_guide("Messages", slug="messages", body="The message explains what went wrong. " * 5)
    message = "The request could not be completed because of the message below. " * 5
    pasted = f'{{"error":{{"message":"{message}","code":"billing_required"}}}}'
    assert len(pasted) > 300
    assert urls(pasted)[0] == runbook.get_absolute_url()


def test_the_keys_of_a_pasted_error_body_are_not_searched_for(make_guide):
    make_guide("Error handling", slug="errors", body="Every error has a code and a message.")
    make_guide("Rate limits", slug="rate-limits", body="When the rate limit is reached, wait.")
    pasted = '{"error": {"message": "Rate limit reached", "type": "requests", "code": null}}'
    assert urls(pasted) == ["/kb/rate-limits/"]


def test_a_tag_without_words_browses_the_knowledge_base_by_that_tag(client, content):
    response = client.get("/search/", {"tag": "auth"})
    assert response.status_code == 302
    assert response["Location"] == "/?tag=auth#knowledge-base"
    home = client.get(response["Location"]).content.decode()
    assert int(texts(home, "result-count")[0].split()[0]) > 0


@pytest.mark.django_db
@pytest.mark.parametrize("tag", ["%", "_", "a%b", "\x00", "auth billing"])
def test_a_tag_that_is_no_slug_finds_nothing(content, tag):
    """A tag goes into a LIKE pattern: `%` matched every tag, NUL broke PostgreSQL."""
    assert search("token", tag=tag).total == 0
    assert search("token").total > 0
