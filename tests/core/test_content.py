"""Content declares itself: platform code finds content models through the app registry, so a
new content type is one model (keeping the contracts of core.content) plus its admin."""

from accounts.roles import roles
from core.content import editorial_models, indexed_kinds, models_with
from kb.models import FAQEntry, Guide, PageBlock, Publishable, Reviewed, Tag
from runbooks.models import Runbook, RunbookCheck, RunbookFixStep


def test_search_finds_the_indexed_models_and_their_kinds():
    assert indexed_kinds() == {"guide": Guide, "faq": FAQEntry, "runbook": Runbook}
    assert {m.search_kind_label for m in indexed_kinds().values()} == {"Guide", "FAQ", "Runbook"}


def test_the_publishing_clock_and_the_digest_find_their_models():
    assert set(models_with(Publishable)) == {Guide, Runbook}
    assert set(models_with(Reviewed)) == {Guide, Runbook, FAQEntry}


def test_content_editors_get_every_editorial_model():
    models = {Tag, Guide, FAQEntry, PageBlock, Runbook, RunbookCheck, RunbookFixStep}
    assert set(editorial_models()) == models
    grants = roles()["Content editors"]
    assert all(grants[m._meta.label_lower] == ("add", "change", "delete", "view") for m in models)
    assert not any(m._meta.label_lower in roles()["Support agents"] for m in models)


def test_a_check_saved_indexes_its_runbook_again(db, make_runbook):
    from search.models import SearchDocument

    runbook = make_runbook(checks=["Check one"])
    RunbookCheck.objects.create(runbook=runbook, text="Look at zzqxv first", order=9)
    document = SearchDocument.objects.get(kind="runbook", object_id=runbook.pk)
    assert "zzqxv" in document.body
