import pytest
from django.core.management import CommandError, call_command

from kb.models import FAQEntry, Guide, PageBlock
from runbooks.models import Runbook
from tests.conftest import CONTENT_DIR

GUIDE = """---
title: "A guide"
slug: a-guide
summary: "What it is about."
tags: [alpha, beta]
---
## Body

Text.
"""

RUNBOOK = """---
title: "A runbook"
slug: a-runbook
summary: "It breaks."
error_codes: [thing_broken]
related_guides: [a-guide]
checks: ["Check A", "Check B"]
fix_steps: ["Fix A"]
escalation: "Tell us."
---
"""


def write(root, kind, name, text):
    folder = root / kind
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def run(path):
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_content", str(path), stdout=out, stderr=err, verbosity=2)
    except CommandError as error:
        return out.getvalue(), err.getvalue() + str(error)
    return out.getvalue(), err.getvalue()


def test_shipped_content_loads_completely(content):
    assert Guide.objects.published().count() == 6
    assert Runbook.objects.published().count() == 6
    assert FAQEntry.objects.count() >= 10
    assert set(PageBlock.objects.values_list("key", flat=True)) >= {
        "hero", "knowledge-base", "runbooks", "contact", "faq"
    }  # fmt: skip


def test_second_import_changes_nothing(content):
    out, err = run(CONTENT_DIR)
    assert "0 created, 0 updated" in out
    assert err == ""
    assert Guide.objects.count() == 6
    assert Runbook.objects.get(slug="cannot-sign-in").checks.count() == 4


@pytest.mark.django_db
def test_created_then_updated_then_unchanged(tmp_path):
    write(tmp_path, "guides", "a-guide.md", GUIDE)
    write(tmp_path, "runbooks", "a-runbook.md", RUNBOOK)
    out, _ = run(tmp_path)
    assert "created   guide a-guide" in out and "created   runbook a-runbook" in out

    write(tmp_path, "runbooks", "a-runbook.md", RUNBOOK.replace('"Check B"', '"Check C"'))
    out, _ = run(tmp_path)
    assert "updated   runbook a-runbook" in out
    assert "unchanged guide a-guide" in out
    runbook = Runbook.objects.get(slug="a-runbook")
    assert [c.text for c in runbook.checks.all()] == ["Check A", "Check C"]
    assert runbook.codes == ["thing_broken"]
    assert [g.slug for g in runbook.related_guides.all()] == ["a-guide"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("no front matter at all", "no front matter"),
        ("---\ntitle: [unclosed\n---\nBody", "not valid YAML"),
        (GUIDE.replace("slug: a-guide", 'slug: "Not A Slug"'), "slug: Enter a valid “slug”"),
        (GUIDE.replace('summary: "What it is about."\n', ""), "missing required field: summary"),
        (GUIDE.replace("tags:", "tagz:"), "unknown field tagz"),
        (GUIDE.split("## Body")[0], "no body text"),
        (GUIDE.replace("slug: a-guide", "slug: a-guide\nstatus: live"), "status: Value 'live'"),
        (GUIDE.replace("slug: a-guide", "slug: a-guide\norder: -1"), "order: Ensure this value"),
        (GUIDE.replace("slug: a-guide", "slug: a-guide\norder: [1]"), "order must be a single"),
        (GUIDE.replace('"A guide"', '"' + "x" * 201 + '"'), "title: Ensure this value has"),
    ],
)
def test_bad_guide_is_rejected_with_its_name_and_reason(tmp_path, text, reason):
    write(tmp_path, "guides", "bad.md", text)
    write(tmp_path, "guides", "good.md", GUIDE.replace("a-guide", "good-guide"))
    out, err = run(tmp_path)
    assert "bad.md" in err and reason in err
    assert "1 rejected" in out
    assert list(Guide.objects.values_list("slug", flat=True)) == ["good-guide"]


@pytest.mark.django_db
def test_runbook_with_unknown_related_guide_loads_nothing(tmp_path):
    write(tmp_path, "runbooks", "a-runbook.md", RUNBOOK)
    _, err = run(tmp_path)
    assert "a-runbook.md" in err and "related guide not found: a-guide" in err
    assert not Runbook.objects.exists()


@pytest.mark.django_db
def test_runbook_error_codes_are_checked_by_the_model_once(tmp_path):
    write(tmp_path, "guides", "a-guide.md", GUIDE)
    write(tmp_path, "runbooks", "a-runbook.md", RUNBOOK.replace("thing_broken", "Thing-Broken"))
    _, err = run(tmp_path)
    assert "a-runbook.md" in err
    assert "error_codes: Error codes are snake_case words" in err and "Thing-Broken" in err
    assert not Runbook.objects.exists()


@pytest.mark.django_db
def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_content", str(tmp_path / "nope"))


@pytest.mark.django_db
def test_import_indexes_each_document_once_and_completely(tmp_path):
    from django.db.models.signals import post_save

    from search.documents import rebuild
    from search.models import SearchDocument

    write(tmp_path, "guides", "a-guide.md", GUIDE)
    write(tmp_path, "runbooks", "a-runbook.md", RUNBOOK)
    saves = []

    def count(sender, instance, **kwargs):
        saves.append(instance.kind)

    post_save.connect(count, sender=SearchDocument)
    try:
        run(tmp_path)
        # An update replaces the checks and steps, and changes the tags.
        write(tmp_path, "runbooks", "a-runbook.md", RUNBOOK.replace("Check B", "Check C"))
        run(tmp_path)
    finally:
        post_save.disconnect(count, sender=SearchDocument)
    assert sorted(saves) == ["guide", "runbook", "runbook"]  # created once, updated once
    # What the import indexed is what a full rebuild makes: `make run` needs no rebuild.
    fields = ("kind", "object_id", "url", "title", "codes", "tags", "tag_slugs", "body")
    imported = sorted(SearchDocument.objects.values_list(*fields))
    rebuild()
    assert sorted(SearchDocument.objects.values_list(*fields)) == imported
    assert "Check C" in imported[1][-1]


@pytest.mark.django_db
def test_shipped_content_import_leaves_a_complete_index():
    from editorial.importer import import_content
    from search.documents import rebuild
    from search.models import SearchDocument

    import_content(CONTENT_DIR)
    fields = ("kind", "object_id", "url", "title", "codes", "tags", "tag_slugs", "body")
    imported = sorted(SearchDocument.objects.values_list(*fields))
    assert rebuild() == len(imported) > 0
    assert sorted(SearchDocument.objects.values_list(*fields)) == imported
