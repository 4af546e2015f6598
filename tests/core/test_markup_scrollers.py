"""Code blocks and tables scroll sideways when wide: each is reachable by keyboard and named."""

import pytest
from django.apps import apps

from core.markup import render_markdown
from kb.models import Guide

WIDE = (
    "```bash\ncurl https://api.example.com/v1/"
    + "x" * 200
    + "\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
)


def test_code_blocks_and_tables_are_focusable_and_named():
    html = render_markdown(WIDE).html
    assert (
        '<pre tabindex="0" role="group" aria-label="Code example"><code class="language-bash">'
        in html
    )
    assert '<table tabindex="0" aria-label="Table">' in html


def test_content_cannot_set_its_own_attributes_on_them():
    html = render_markdown('<pre onfocus="x()" tabindex="5">a</pre>\n\n<table id="t"></table>').html
    assert "onfocus" not in html and 'tabindex="5"' not in html and 'id="t"' not in html
    assert html.count('tabindex="0"') == 2


@pytest.mark.django_db
def test_content_stored_before_is_made_focusable_by_the_migration(make_guide):
    from importlib import import_module

    migration = import_module(
        "search.migrations.0004_focusable_scrolling_regions_in_stored_content"
    )
    guide = make_guide("Wide", body=WIDE)
    legacy = guide.body_html.replace(' tabindex="0" role="group" aria-label="Code example"', "")
    legacy = legacy.replace(' tabindex="0" aria-label="Table"', "")
    Guide.objects.filter(pk=guide.pk).update(body_html=legacy)
    migration.make_scrollers_focusable(apps, None)
    migration.make_scrollers_focusable(apps, None)  # twice: no attribute doubled
    guide.refresh_from_db()
    assert guide.body_html == render_markdown(WIDE).html
