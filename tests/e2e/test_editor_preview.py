"""The editor's live preview on a long guide (issue 25 item 12): it follows the caret, and
lists look as readers see them. Screenshots: artifacts/screenshots/editor-*.png."""

import pytest
from playwright.sync_api import Page, expect

from kb.models import Guide
from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_editing import editor, log_in  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

# Whether the element is inside the preview's visible box (the preview scrolls by itself).
IN_VIEW = """(element) => {
  const box = element.closest('#markdown-preview').getBoundingClientRect();
  const rect = element.getBoundingClientRect();
  return rect.top >= box.top - 1 && rect.top < box.bottom;
}"""
LIST_STYLE = """(element) => {
  const li = getComputedStyle(element), ul = getComputedStyle(element.parentElement);
  return [li.listStyleType, ul.paddingLeft, li.display];
}"""


def long_body():
    sections = [
        f"## Step {n}\n\nParagraph {n} explains what to do, in enough words to take a line or "
        "two of the preview, so that sixty of them make a long guide.\n\n- first point\n"
        "- second point\n\n1. one\n2. two"
        for n in range(1, 61)
    ]
    return "\n\n".join(sections)


def test_the_preview_follows_the_caret_on_a_long_guide(
    page: Page,
    site,
    editor,  # noqa: F811
    csp_violations,
):
    page.set_viewport_size({"width": 1440, "height": 900})
    guide = Guide.objects.get(slug="quickstart")
    guide.body = long_body()
    guide.save()  # rendered once, as readers get it
    log_in(page, site)
    page.goto(f"{site}/admin/kb/guide/{guide.pk}/change/")
    body = page.get_by_role("textbox", name="Body")
    preview = page.get_by_role("region", name="Preview")

    # Typing at the end: the new words are in the preview's view, not thousands of px below.
    body.press("Control+End")
    body.press_sequentially("\n\nZebra crossing at the end.")
    typed = preview.get_by_text("Zebra crossing at the end.")
    expect(typed).to_have_count(1)
    page.wait_for_function(
        "() => { const e = [...document.querySelectorAll('#markdown-preview p')].find("
        "p => p.textContent.includes('Zebra crossing')); const b = "
        "document.getElementById('markdown-preview').getBoundingClientRect(); "
        "return e && e.getBoundingClientRect().top < b.bottom; }"
    )
    assert typed.evaluate(IN_VIEW)
    screenshot(page, "editor-preview-follows-the-end-1440")

    # In the middle: the caret in step 30's paragraph brings step 30 into view.
    body.evaluate(
        "(box) => { const at = box.value.indexOf('Paragraph 30 '); box.focus(); "
        "box.setSelectionRange(at, at); }"
    )
    body.press("End")
    body.press_sequentially(" Middle marker.")
    middle = preview.get_by_text("Middle marker.", exact=False)
    expect(middle).to_be_visible()
    page.wait_for_timeout(300)
    assert middle.evaluate(IN_VIEW)
    screenshot(page, "editor-preview-follows-the-middle-1440")

    # Lists as readers see them: the same bullets and indents as the published page.
    in_preview = preview.locator("ul > li").first.evaluate(LIST_STYLE)
    numbered = preview.locator("ol > li").first.evaluate(LIST_STYLE)
    assert in_preview[0] == "disc" and numbered[0] == "decimal"
    reader = page.context.new_page()
    reader.goto(site + "/kb/quickstart/")
    main = reader.get_by_role("main")
    assert main.locator("ul > li", has_text="first point").first.evaluate(LIST_STYLE) == in_preview
    assert main.locator("ol > li", has_text="one").first.evaluate(LIST_STYLE) == numbered
    reader.close()
    assert_accessible(page)
    assert csp_violations == []
