"""The one place where Markdown written by editors becomes HTML.

Everything shown from Markdown (guides, runbooks, FAQ answers, page blocks) is rendered and
sanitized here, once, when it is saved. Templates then output the stored HTML as is.
"""

import re
from dataclasses import dataclass, field
from html import unescape

import bleach
import markdown
from django.utils.text import slugify

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
        "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


def _allowed_attribute(tag, name, value):
    if name == "id":
        return tag in HEADING_TAGS
    if tag == "a":
        return name in {"href", "title"}
    if tag == "img":
        return name in {"src", "alt", "title", "width", "height"}
    if tag == "code" and name == "class":
        return value.startswith("language-") and value[9:].replace("-", "").isalnum()
    if tag in {"td", "th"}:
        return name in {"colspan", "rowspan", "scope"}
    if tag == "abbr":
        return name == "title"
    return False


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list = field(default_factory=list)


def _flatten_toc(tokens, out=None):
    out = [] if out is None else out
    for token in tokens:
        out.append({"level": token["level"], "id": token["id"], "name": unescape(token["name"])})
        _flatten_toc(token["children"], out)
    return out


def render_markdown(text: str) -> Rendered:
    """Render Markdown to sanitized HTML, with ids on headings and their table of contents.

    The result is wrapped in an element carrying `data-hx-disable`, so even if an htmx attribute
    ever slipped past the allowlist it would stay inert.
    """
    md = markdown.Markdown(
        extensions=["fenced_code", "tables", "sane_lists", "toc"],
        extension_configs={"toc": {"toc_depth": "2-3", "slugify": _slugify}},
        output_format="html",
    )
    raw = md.convert(text or "")
    clean = bleach.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    clean = focusable_scrollers(clean)
    html = f'<div class="prose" data-hx-disable>{clean}</div>' if clean.strip() else ""
    return Rendered(html=html, toc=_flatten_toc(getattr(md, "toc_tokens", [])))


# Code blocks and tables scroll sideways when wider than the page (static/css/site.css): a
# keyboard reaches them (tabindex) to scroll them with the arrow keys, and a screen reader
# names what it reached. The sanitiser has just removed every attribute these tags had.
_SCROLLERS = re.compile(r"<(pre|table)>")
_SCROLLER_ATTRIBUTES = {
    "pre": '<pre tabindex="0" role="group" aria-label="Code example">',
    "table": '<table tabindex="0" aria-label="Table">',
}


def focusable_scrollers(clean_html):
    """Sanitised HTML with every region that can scroll sideways reachable by keyboard."""
    return _SCROLLERS.sub(lambda m: _SCROLLER_ATTRIBUTES[m.group(1)], clean_html)


def _slugify(value, separator):
    return slugify(value) or "section"
