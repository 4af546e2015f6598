import pytest

from core.text import plural


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 resources"), (1, "1 resource"), (2, "2 resources"), (6, "6 resources")],
)
def test_counts_read_as_english(count, expected):
    assert plural(count, "resource") == expected


def test_an_irregular_plural_is_given():
    assert plural(3, "query", "queries") == "3 queries"
    assert plural(1, "query", "queries") == "1 query"
