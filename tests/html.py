"""Reading rendered pages in tests the way a person reads them: text, not markup."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _TextsByClass(HTMLParser):
    def __init__(self, css_class):
        super().__init__()
        self.css_class = css_class
        self.depth = 0  # > 0 while inside a matching element
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if self.depth:
            self.depth += 1
        elif self.css_class in (dict(attrs).get("class") or "").split():
            self.depth = 1
            self.found.append("")

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.found[-1] += data


def texts(html, css_class):
    """The text of every element with `css_class`, tags removed, whitespace collapsed."""
    parser = _TextsByClass(css_class)
    parser.feed(html)
    return [" ".join(text.split()) for text in parser.found]
