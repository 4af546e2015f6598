"""The HTML alternative of an email, made from its plain text, in one branded layout.

The plain text stays the email (what is stored, searched and quoted back to us); the HTML is
a rendering of it, so the two never disagree. Text conventions it reads: blank lines part
paragraphs, "> " lines are a quote, "- " lines a list (indented lines continue an item), a
line of "----" a rule, a line that is only a link a button. Links are made clickable;
everything else is escaped. The layout (templates/mail/layout.html: tables, a light and a
dark palette) has its CSS moved into style attributes when the email is rendered (css-inline),
as mail clients that drop <style> need; the dark palette stays in a media query.
"""

import re

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

URL_RE = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
RULE = "----"
_inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def _inline(text):
    """Escaped text with its links made clickable."""
    out, last = [], 0
    for match in URL_RE.finditer(text):
        url = match.group(0)
        out += [escape(text[last : match.start()]), f'<a href="{escape(url)}">{escape(url)}</a>']
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _kind(line):
    if line.strip() == RULE:
        return "rule"
    if line.startswith(">"):
        return "quote"
    if line.startswith("- "):
        return "list"
    if URL_RE.fullmatch(line.strip()):
        return "button"
    return "text"


def _runs(lines):
    """Consecutive lines of one kind (an indented line continues a list item)."""
    runs = []
    for line in lines:
        kind = _kind(line)
        if kind == "text" and line.startswith("  ") and runs and runs[-1][0] == "list":
            runs[-1][1][-1] += "\n" + line.strip()
            continue
        if runs and runs[-1][0] == kind and kind in ("quote", "list", "text"):
            runs[-1][1].append(line)
        else:
            runs.append((kind, [line]))
    return runs


def _block(kind, lines):
    if kind == "rule":
        return '<hr class="rule">'
    if kind == "button":
        url = lines[0].strip()
        return f'<p class="action"><a class="button" href="{escape(url)}">{escape(url)}</a></p>'
    if kind == "quote":
        inner = [re.sub(r"^> ?", "", line) for line in lines]
        return f'<blockquote class="quote">{to_html(chr(10).join(inner))}</blockquote>'
    if kind == "list":
        items = [
            "<li>" + "<br>".join(_inline(part) for part in item[2:].split("\n")) + "</li>"
            for item in lines
        ]
        return f'<ul class="list">{"".join(items)}</ul>'
    return "<p>" + "<br>".join(_inline(line) for line in lines) + "</p>"


def to_html(text):
    """The body of the HTML alternative: `text` read by the conventions above."""
    blocks = []
    for paragraph in re.split(r"\n[ \t]*\n", text.strip()):
        lines = [line.rstrip() for line in paragraph.splitlines()]
        blocks += [_block(kind, run) for kind, run in _runs(lines)]
    return "\n".join(blocks)


def alternative(text, *, subject):
    """The whole HTML email for `text`: the layout, the brand from settings, styles inline."""
    brand = settings.EMAIL_BRAND
    html = render_to_string(
        "mail/layout.html",
        {
            "subject": subject,
            # The heading: the subject without its "[HC-000123]" tag.
            "title": re.sub(r"^\[[^\]]*\]\s*", "", subject),
            "content": mark_safe(to_html(text)),  # noqa: S308 (every piece escaped above)
            "brand": {**brand, "url": brand["url"] or settings.SITE_URL},
        },
    )
    return _inliner.inline(html)
