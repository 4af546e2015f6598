"""What a cached page is filed under: the request's scheme, host, path, query and htmx
headers, in a namespace of the running code and configuration."""

import functools
import hashlib
import json
import os
import re
from pathlib import Path

import django
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# htmx sends the address of the page it is on with every request; no view reads it.
UNKEYED_HTMX_HEADERS = {"hx-current-url"}


@functools.cache
def _code_digest():
    digest = hashlib.sha256(django.get_version().encode())
    skip = {".git", ".venv", "node_modules", "staticfiles", "media", "tests", "__pycache__"}
    for folder, folders, files in os.walk(settings.BASE_DIR):
        folders[:] = sorted(f for f in folders if f not in skip and not f.startswith("."))
        for name in sorted(files):
            if Path(name).suffix in {".py", ".html", ".txt", ".svg", ".js", ".css"}:
                path = Path(folder, name)
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _version():
    """A hash of the code, the templates and the settings: after a deploy or a change of
    configuration no page rendered before is served (it could name static files that are
    gone, or carry an old policy), even from a shared Redis. Deterministic, so processes
    running the same code and configuration share entries."""
    values = {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
    text = json.dumps(values, sort_keys=True, default=str)
    text = re.sub(r" at 0x[0-9a-f]+", "", text)  # no per-process addresses
    return hashlib.sha256((_code_digest() + text).encode()).hexdigest()[:16]


@receiver(setting_changed)
def _settings_changed(**kwargs):  # in tests; a real deploy restarts the processes
    _version.cache_clear()


def key(request):
    htmx = sorted(
        f"{name.lower()}:{value}"
        for name, value in request.headers.items()
        if name.lower().startswith("hx-") and name.lower() not in UNKEYED_HTMX_HEADERS
    )
    parts = [request.scheme, request.get_host(), request.get_full_path(), *htmx]
    raw = "\n".join(parts).encode("utf-8", "backslashreplace")
    return f"pages:{_version()}:{hashlib.sha256(raw).hexdigest()}"
