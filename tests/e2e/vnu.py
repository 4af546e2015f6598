"""The Nu Html Checker (vnu.jar) over a folder of saved pages, for the browser tests."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def html_errors(folder):
    """Every error in the .html files of `folder`, as "file:line: message". Skips the test
    without Java or vnu.jar, unless REQUIRE_HTML_CHECKER=1 (CI)."""
    java = shutil.which("java")
    if not (java and VNU.exists()):
        if os.environ.get("REQUIRE_HTML_CHECKER") == "1":
            pytest.fail(f"HTML checker required but missing (java={java}, {VNU})")
        pytest.skip("HTML checker skipped: needs Java and vnu.jar (npm install vnu-jar)")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html",
         str(folder)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
