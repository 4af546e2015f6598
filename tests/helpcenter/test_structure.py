"""The apps import each other one way only: an import cycle between two apps means one of
them holds code that belongs to the other, or above both (as the importer moved to editorial)."""

from pathlib import Path

import grimp
from django.apps import apps
from django.conf import settings

# The project package sits above the apps (root URLs, the home page) and also lends them
# site-wide pieces (the sanitiser, the page cache); it is not one of the apps compared here.
PROJECT = "helpcenter"


def local_apps():
    root = Path(settings.BASE_DIR)
    return sorted(
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).parent == root and config.name != PROJECT
    )


def app_cycles(graph, names):
    """Pairs of apps (and longer loops) where each imports the next, directly."""
    edges = {
        a: {b for b in names if b != a and graph.direct_import_exists(
            importer=a, imported=b, as_packages=True
        )}
        for a in names
    }  # fmt: skip
    cycles, path = set(), []

    def walk(node):
        if node in path:
            loop = path[path.index(node) :]
            start = loop.index(min(loop))
            cycles.add(" -> ".join([*loop[start:], *loop[:start], min(loop)]))
            return
        path.append(node)
        for nxt in sorted(edges[node]):
            walk(nxt)
        path.pop()

    for name in names:
        walk(name)
    return sorted(cycles)


def test_no_import_cycles_between_apps():
    names = local_apps()
    assert {"kb", "runbooks", "search", "editorial"} <= set(names)
    graph = grimp.build_graph(*names, PROJECT, include_external_packages=False)
    assert app_cycles(graph, names) == []


def test_the_check_sees_a_cycle():
    """The walker finds a loop when there is one (kb -> runbooks -> kb, as before the move)."""
    graph = grimp.ImportGraph()
    for module in ("kb", "kb.importer", "runbooks", "runbooks.models"):
        graph.add_module(module)
    graph.add_import(importer="kb.importer", imported="runbooks.models")
    graph.add_import(importer="runbooks.models", imported="kb")
    assert app_cycles(graph, ["kb", "runbooks"]) == ["kb -> runbooks -> kb"]
