"""requirements.lock pins what pyproject.toml asks for: `make` installs the lock alone
(--require-hashes), so a dependency added to pyproject.toml without `make lock` would be
missing on a fresh clone."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)")


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines):
    return {canonical(m[1]): m[2] for line in lines if (m := PIN.match(line.strip()))}


def test_every_dependency_of_pyproject_is_locked_at_its_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = pins(project["project"]["dependencies"] + project["dependency-groups"]["dev"])
    locked = pins((ROOT / "requirements.lock").read_text().splitlines())
    assert wanted, "pyproject.toml pins its dependencies with =="
    differ = {name: (version, locked.get(name)) for name, version in wanted.items()}
    assert {n: v for n, v in differ.items() if v[0] != v[1]} == {}, "run `make lock`"


def test_every_locked_package_has_a_hash():
    text = (ROOT / "requirements.lock").read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 6)[-1].strip())
    assert len(entries) > 40
    assert [e.split()[0] for e in entries if "--hash=sha256:" not in e] == []
