"""The architecture holds: the import-linter contracts in pyproject.toml (apps in layers, no
cycles inside tickets and status) pass, and they do catch an arrow that points up."""

import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
from importlinter.configuration import configure
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.layers import LayersContract

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
configure()  # import-linter's settings (its timer), as lint-imports sets them
KINDS = {"layers": LayersContract, "acyclic_siblings": AcyclicSiblingsContract}


def contract(kind):
    (options,) = [c for c in CONFIG["contracts"] if c["type"] == kind]
    options = {k: v for k, v in options.items() if k not in ("name", "type")}
    return KINDS[kind](name=kind, session_options=CONFIG, contract_options=options)


def graph():
    return grimp.build_graph(*CONFIG["root_packages"], include_external_packages=False)


def test_the_contracts_hold():
    result = subprocess.run(
        [Path(sys.executable).with_name("lint-imports")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_app_importing_a_higher_one_breaks_the_layers():
    imports = graph()
    assert contract("layers").check(imports, verbose=False).kept
    imports.add_import(importer="kb.models", imported="tickets.models")  # content -> tickets
    assert not contract("layers").check(imports, verbose=False).kept


def test_search_names_no_content_type():
    imports = graph()
    imports.add_import(importer="search.documents", imported="kb.models")
    assert not contract("layers").check(imports, verbose=False).kept


def test_the_kernel_names_no_app():
    imports = graph()
    imports.add_import(importer="core.markup", imported="search")
    assert not contract("layers").check(imports, verbose=False).kept


def test_a_cycle_inside_tickets_breaks_the_acyclic_contract():
    imports = graph()
    assert contract("acyclic_siblings").check(imports, verbose=False).kept
    # The cycle tasks.py used to make: emails -> tasks -> emails.
    imports.add_import(importer="tickets.emails", imported="tickets.services")
    imports.add_import(importer="tickets.services", imported="tickets.emails")
    assert not contract("acyclic_siblings").check(imports, verbose=False).kept
