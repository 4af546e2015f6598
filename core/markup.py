"""The one place where Markdown written by editors becomes HTML.

Everything shown from Markdown (guides, runbooks, FAQ answers, page blocks) is rendered and
sanitized here, once, when it is saved. Templates then output the stored HTML as is.
"""

import re
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import bleach
import markdown
from django.utils.text import slugify

from core.content import Passage, plain

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
        "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# Raw HTML elements removed together with what is inside them: their content is code, styles
# or a fallback, never text for the reader (bleach alone keeps the text of a tag it strips,
# so a <script> block showed up as visible text on the page).
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "iframe", "object", "noscript", "textarea", "select",
        "svg", "math", "title", "canvas", "audio", "video", "head",
    }
)  # fmt: skip
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})


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


class _RawHtml(HTMLParser):
    """One pass over the HTML Markdown made: the same HTML without the elements dropped with
    their content, and, in words, everything the sanitiser is going to remove."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out, self.found, self.skipping = [], [], []

    def _note(self, message):
        if message not in self.found:
            self.found.append(message)

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs, self.get_starttag_text())
        if tag in DROPPED_WITH_CONTENT and tag not in VOID_TAGS:
            self.skipping.append(tag)

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs, self.get_starttag_text())

    def _tag(self, tag, attrs, text):
        if self.skipping:
            return
        if tag in DROPPED_WITH_CONTENT:
            self._note(f"<{tag}> element removed, with everything inside it")
        elif tag not in ALLOWED_TAGS:
            self._note(f"<{tag}> tag removed (the text inside it stays)")
        else:
            for name, value in attrs:
                if not _allowed_attribute(tag, name, value or ""):
                    self._note(f"{name} attribute removed from <{tag}>")
                elif name in {"href", "src"}:
                    scheme = urlsplit(unescape(value or "")).scheme.lower()
                    if scheme and scheme not in ALLOWED_PROTOCOLS:
                        self._note(f"{scheme}: link removed from <{tag}>")
        self.out.append(text)

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(data)

    def handle_entityref(self, name):
        if not self.skipping:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self.skipping:
            self.out.append(f"&#{name};")

    def handle_comment(self, data):
        if not self.skipping:
            self._note("HTML comment removed")

    def handle_decl(self, decl):
        self._note(f"<!{escape(decl)}> declaration removed")

    def unknown_decl(self, data):
        self._note("<![…]> section removed")

    def handle_pi(self, data):
        self._note("<?…> instruction removed")

    def close(self):
        super().close()
        for tag in self.skipping:
            self._note(f"<{tag}> was never closed: everything after it is removed")
        return "".join(self.out)


def _markdown(text):
    md = markdown.Markdown(
        extensions=["fenced_code", "tables", "sane_lists", "toc"],
        extension_configs={"toc": {"toc_depth": "2-3", "slugify": _slugify}},
        output_format="html",
    )
    return md, md.convert(text or "")


def _scan(raw):
    scan = _RawHtml()
    scan.feed(raw)
    return scan.close(), scan.found


def dropped_markup(text: str) -> list[str]:
    """What `render_markdown` will remove from this Markdown's raw HTML, in words, for the
    editor's preview ("<script> element removed, with everything inside it"); empty if
    nothing. It reads the same allowlists, so the report and the sanitiser agree."""
    _, raw = _markdown(text)
    return _scan(raw)[1]


def render_markdown(text: str) -> Rendered:
    """Render Markdown to sanitized HTML, with ids on headings and their table of contents.

    The result is wrapped in an element carrying `data-hx-disable`, so even if an htmx attribute
    ever slipped past the allowlist it would stay inert.
    """
    md, raw = _markdown(text)
    raw, _ = _scan(raw)
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


# A heading with its id, as render_markdown writes it (the ids a page's links point to).
HEADING_RE = re.compile(r'<h([23]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)


def sections_of(body_html):
    """(anchor, heading, plain text up to the next heading) for each h2/h3 of rendered HTML."""
    parts = HEADING_RE.split(body_html or "")
    # [intro, level, id, heading, text, level, id, heading, text, ...]
    return [
        (unescape(anchor), plain(heading), plain(text))
        for _, anchor, heading, text in zip(*[iter(parts[1:])] * 4, strict=True)
    ]


# Where a block of text ends: its words stay apart from the next block's, on a line of its
# own. Code blocks are left out of what answers quote.
_CODE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|tr|dt|dd|blockquote)>|<br\s*/?>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]>", re.IGNORECASE)


def block_text(html_text):
    """Plain text of sanitised HTML, one line per block (paragraph, list item, table row with
    its cells separated by " | "), without code blocks: what a direct answer quotes."""
    text = " ".join(_CODE_BLOCK.sub("\n", html_text or "").split())  # the source's own breaks
    text = _CELL_END.sub(" | ", text)
    text = _BLOCK_END.sub("\n", text)
    lines = (plain(line).removesuffix(" |").strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def passages_of(body_html, *, intro_heading=""):
    """Passages (core.content.Passage) of rendered HTML: the text before the first heading
    (anchor ""), then one per h2/h3 with the heading's id, empty ones left out."""
    parts = HEADING_RE.split(body_html or "")
    found = [Passage("", intro_heading, block_text(parts[0]))]
    found += [
        Passage(unescape(anchor), plain(heading), block_text(text))
        for _, anchor, heading, text in zip(*[iter(parts[1:])] * 4, strict=True)
    ]
    return [passage for passage in found if passage.text]
