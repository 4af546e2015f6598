"""Search corrects typos, never real words (issue #23): a word of the language that the
content lacks finds nothing and is counted as a content gap, instead of showing results for
another word that "found something"."""

import pytest

from insights.models import SearchQuery
from search.query import english_words, parse
from search.services import search
from tests.html import texts

# What the search used to show instead (each a real word the content lacks, or an acronym).
REAL_WORDS = [
    ("refund", "resend"),
    ("delete my account", "delta"),
    ("sso saml", "same"),
    ("api key leaked", "locked"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "was"), REAL_WORDS)
@pytest.mark.parametrize("as_you_type", [True, False])
def test_a_real_word_is_never_rewritten(content, query, was, as_you_type):
    results = search(query, as_you_type=as_you_type)
    assert results.corrected is None
    assert all(was not in term.alternatives for term in parse(query).terms)


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "was"), REAL_WORDS)
def test_results_page_shows_the_words_typed(client, content, query, was):
    html = client.get("/search/", {"q": query}).content.decode()
    assert "Showing results for" not in html
    assert f"for “{query}”" in texts(html, "result-count")[0] or "Nothing matches" in html
    assert was not in texts(html, "result-count")[0]


@pytest.mark.django_db
def test_a_real_word_the_content_lacks_is_a_content_gap(client, content):
    html = client.get("/search/", {"q": "refund"}).content.decode()
    assert "Nothing matches “refund”" in html
    gap = SearchQuery.objects.get(text="refund")
    assert (gap.searches, gap.zero_results) == (1, 1)


@pytest.mark.django_db
def test_a_typo_is_still_corrected_and_the_words_typed_can_be_searched_instead(client, content):
    html = client.get("/search/", {"q": "biling"}).content.decode()
    assert "Showing results for <strong>billing</strong>" in html
    assert "/search/?q=biling&amp;exact=1" in html
    assert "Search instead for “biling”" in html
    # The words as typed found nothing: a content gap, though the correction found results.
    assert SearchQuery.objects.get(text="biling").zero_results == 1
    exact = client.get("/search/", {"q": "biling", "exact": "1"}).content.decode()
    assert "Showing results for" not in exact
    assert "Nothing matches “biling”" in exact


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typo", "word"),
    [("strem", "stream"), ("authentcation", "authentication"), ("invitaton", "invitation")],
)
def test_typos_within_the_thresholds_are_corrected(content, typo, word):
    assert search(typo, as_you_type=False).corrected == word


@pytest.mark.django_db
@pytest.mark.parametrize(
    "short",
    # Under 5 letters: never corrected (1 typo from strm would be stream, from tkn token).
    ["strm", "tkn", "saml", "oidc"],
)
def test_short_words_are_not_corrected(content, short):
    assert search(short, as_you_type=False).corrected is None


@pytest.mark.django_db
def test_two_typos_only_from_eight_letters(make_guide):
    make_guide("Streaming basics", slug="streaming", body="Streaming and invitation.")
    assert search("straeming", as_you_type=False).corrected == "streaming"  # 9 letters, 1 typo
    assert search("strmaing", as_you_type=False).corrected == "streaming"  # 8 letters, 2
    assert search("stremin", as_you_type=False).corrected is None  # 7 letters, 2 typos


def test_the_language_dictionary_is_the_one_that_ships_with_symspellpy():
    words = english_words()
    assert len(words) > 80_000
    assert {"refund", "delete", "leaked"} <= words


@pytest.mark.django_db
def test_the_spelling_dictionary_follows_the_words_not_the_index_version(make_guide):
    """A document saved with no change of text makes a new index version: the dictionary of
    the same words is kept (it is the costly part); new words make a new one, which corrects
    to them."""
    from django.core.cache import cache

    from search.documents import VERSION_KEY
    from search.query import Vocabulary

    guide = make_guide(title="Rotating credentials", body="Rotate your credentials safely.")
    first = Vocabulary.current()
    cache.delete(VERSION_KEY)  # what a save with the same text does to the version
    guide.save()
    assert Vocabulary.current() is first
    make_guide(title="Webhook signatures", body="Verify each signature.")
    second = Vocabulary.current()
    assert second is not first
    assert second.correct("signaturse") == "signatures"
