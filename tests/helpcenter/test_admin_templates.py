"""Our admin pages look like the admin's own: the breadcrumbs bar is Django's markup."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "admin"


def test_breadcrumbs_use_the_admins_list_markup():
    """Django 6 styles only <ol class="breadcrumbs">: a <div> showed as plain text above the
    page (the dashboard, revision history and merge pages did)."""
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if re.search(r'<(?!ol\b)\w+[^>]*class="breadcrumbs"', path.read_text())
    ]
    assert offenders == []
    assert any("breadcrumbs" in p.read_text() for p in TEMPLATES.rglob("*.html"))
