import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.markup import render_markdown

HOSTILE = """
## Setup

<script>alert('x')</script>
<img src="x.png" onerror="alert(1)">
<a href="javascript:alert(1)">js link</a>
[md js link](javascript:alert(2))
[data link](data:text/html;base64,PHNjcmlwdD4=)
<a href="/ok/" hx-get="/admin/" hx-on:click="alert(3)" hx-trigger="load">htmx link</a>
<div data-hx-post="/x" hx-post="/y">div</div>
<iframe src="https://evil.example.com/"></iframe>
<p onclick="alert(4)" style="color:red">para</p>
"""


@pytest.fixture
def hostile_html():
    return render_markdown(HOSTILE).html


def test_script_tags_are_removed(hostile_html):
    assert "<script" not in hostile_html


@pytest.mark.parametrize("attribute", ["onerror", "onclick", "style=", "hx-", "iframe"])
def test_dangerous_attributes_and_elements_are_removed(hostile_html, attribute):
    # The only htmx attribute left is the wrapper's own data-hx-disable.
    assert attribute not in hostile_html.replace("data-hx-disable", "")


@pytest.mark.parametrize("scheme", ["javascript:", "data:"])
def test_dangerous_link_schemes_are_removed(hostile_html, scheme):
    assert scheme not in hostile_html


def test_content_is_wrapped_so_htmx_stays_inert(hostile_html):
    assert hostile_html.startswith('<div class="prose" data-hx-disable>')


def test_safe_markup_survives():
    html = render_markdown(
        "## Tokens\n\nSee [docs](https://example.com/docs) or "
        "[mail](mailto:help@example.com) or [runbook](/runbooks/x/).\n\n"
        "```bash\ncurl -s https://api.example.com/v1/models\n```\n\n"
        "| Plan | RPM |\n|---|---|\n| Free | 20 |\n\n> quoted\n\n![diagram](https://example.com/a.png)"
    ).html
    assert '<h2 id="tokens">Tokens</h2>' in html
    assert '<a href="https://example.com/docs">docs</a>' in html
    assert '<a href="mailto:help@example.com">mail</a>' in html
    assert '<a href="/runbooks/x/">runbook</a>' in html
    assert '<code class="language-bash">' in html
    assert "<table " in html and "<td>Free</td>" in html
    assert "<blockquote>" in html
    assert '<img alt="diagram" src="https://example.com/a.png">' in html


def test_headings_get_anchors_and_table_of_contents():
    rendered = render_markdown("## First step\n\ntext\n\n### Detail & more\n\n## First step\n")
    assert [(e["level"], e["id"], e["name"]) for e in rendered.toc] == [
        (2, "first-step", "First step"),
        (3, "detail-more", "Detail & more"),
        (2, "first-step_1", "First step"),
    ]
    assert 'id="first-step_1"' in rendered.html


def test_empty_markdown_renders_nothing():
    assert render_markdown("").html == ""


def test_guide_renders_sanitized_html_when_saved(make_guide):
    guide = make_guide(body="Hi <script>alert(1)</script> **there**")
    assert "<strong>there</strong>" in guide.body_html
    assert "<script" not in guide.body_html
    guide.body = "Changed"
    guide.save(update_fields=["body"])
    guide.refresh_from_db()
    assert "Changed" in guide.body_html


def test_a_dropped_script_does_not_leak_as_visible_text():
    """bleach strips the <script> tag but kept its code as text on the public page."""
    html = render_markdown("Before\n\n<script>alert('x')</script>\n\n<style>p{}</style>\n\nAfter")
    assert "alert" not in html.html and "p{}" not in html.html
    assert "Before" in html.html and "After" in html.html


def test_code_about_scripts_is_still_shown():
    html = render_markdown("```html\n<script>alert('x')</script>\n```").html
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html


def test_the_report_lists_what_the_sanitiser_drops():
    from core.markup import dropped_markup

    assert dropped_markup(HOSTILE) == [
        "<script> element removed, with everything inside it",
        "onerror attribute removed from <img>",
        "javascript: link removed from <a>",
        "data: link removed from <a>",
        "hx-get attribute removed from <a>",
        "hx-on:click attribute removed from <a>",
        "hx-trigger attribute removed from <a>",
        "data-hx-post attribute removed from <div>",
        "hx-post attribute removed from <div>",
        "<iframe> element removed, with everything inside it",
        "onclick attribute removed from <p>",
        "style attribute removed from <p>",
    ]
    assert dropped_markup("Plain **Markdown** with a [link](https://example.com/).") == []


@pytest.mark.parametrize(
    "text",
    ["<svg><text>never closed", "<!-- note -->", "<custom-tag>x</custom-tag>", "<?php ?>", "<"],
)
def test_the_report_takes_any_input(text):
    from core.markup import dropped_markup

    assert isinstance(dropped_markup(text), list)
    assert "never closed" not in render_markdown(text).html


@given(
    st.lists(
        st.sampled_from(
            [
                "<script>",
                "</script>",
                "<style>",
                "<svg>",
                "</svg>",
                "<iframe src=x>",
                "<b>",
                "</b>",
                "<!--",
                "-->",
                "<p onclick=x>",
                "text",
                "\n\n",
                "`",
                "```\n",
                "<",
                ">",
                "&amp;",
                "&#0;",
                "<![CDATA[",
                "]]>",
                "<?x",
                "<a href='javascript:x'>",
                "</a>",
            ]
        )  # fmt: skip
        | st.text(max_size=5),
        max_size=30,
    ).map("".join)
)
@hypothesis_settings(max_examples=300, deadline=None)
def test_any_text_renders_and_reports_without_a_script(text):
    from core.markup import dropped_markup

    html = render_markdown(text).html
    assert "<script" not in html.lower() and "<style" not in html.lower()
    assert all(isinstance(item, str) for item in dropped_markup(text))
