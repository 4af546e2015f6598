"""The vector matrix each process holds follows saves: a save's passages are spliced in,
without loading every vector again."""

import pytest
from django.core.cache import cache

from answers import index
from answers.index import VectorIndex
from answers.services import answer
from kb.models import Guide

pytestmark = pytest.mark.django_db

ASKED = "what is the quantum flux capacitor limit"


def test_a_save_is_spliced_into_the_matrix_without_a_whole_load(content, monkeypatch):
    assert answer(ASKED).answer is None  # this process now holds the matrix
    loads = []
    load = VectorIndex.load.__func__
    monkeypatch.setattr(VectorIndex, "load", classmethod(lambda cls: loads.append(1) or load(cls)))
    guide = Guide.objects.get(slug="quickstart")
    guide.body += "\n\n## Flux limits\n\nThe quantum flux capacitor limit is 88 gigawatts.\n"
    guide.save()
    reply = answer(ASKED)
    assert reply.answer is not None and "88 gigawatts" in reply.answer.text
    assert loads == []
    spliced = VectorIndex.current()
    whole = load(VectorIndex)
    assert sorted(spliced.ids.tolist()) == sorted(whole.ids.tolist())
    order = {pk: n for n, pk in enumerate(whole.ids.tolist())}
    rows = [order[pk] for pk in spliced.ids.tolist()]
    assert (spliced.matrix == whole.matrix[rows]).all()


def test_a_change_not_noted_loads_the_whole_matrix(content, monkeypatch):
    answer(ASKED)
    loads = []
    load = VectorIndex.load.__func__
    monkeypatch.setattr(VectorIndex, "load", classmethod(lambda cls: loads.append(1) or load(cls)))
    index.bump_version()  # a rebuild: which documents changed is not said
    answer(ASKED)
    assert loads == [1]
    cache.clear()  # the counter starts again, in a new epoch: never taken for the old one
    index.bump_version(1)
    answer(ASKED)
    assert loads == [1, 1]
