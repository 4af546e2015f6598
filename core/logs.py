"""Logs: each line carries the request ID; JSON lines in production, text in development.

Imported by gunicorn's master process too (gunicorn.conf.py), so nothing here loads Django.
"""

import contextvars
import json
import logging
import os
from datetime import UTC, datetime

request_id = contextvars.ContextVar("request_id", default="-")
# Fields a record may carry (`extra=`) that JSON lines keep.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "queries")


def log_format():
    """LOG_FORMAT, else JSON unless DEBUG is on."""
    chosen = os.environ.get("LOG_FORMAT", "").strip().lower()
    if chosen in ("json", "text"):
        return chosen
    debug = os.environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
    return "text" if debug else "json"


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, then details."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            line.update(_access_fields(record.args))
        else:
            line["message"] = record.getMessage()
            line["request_id"] = getattr(record, "request_id", None) or request_id.get()
            line.update({k: getattr(record, k) for k in EXTRA_FIELDS if hasattr(record, k)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def _access_fields(atoms):
    """gunicorn's access-log atoms (see its access_log_format) as named fields."""

    def atom(name):
        value = atoms[name]  # gunicorn's SafeAtoms: "-" when missing
        return None if value in (None, "-", "") else value

    return {
        "request_id": atom("{x-request-id}o"),
        "method": atom("m"),
        "path": atom("U"),
        "query": atom("q"),
        "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atom("s"),
        "bytes": atom("B"),
        "duration_ms": atom("M"),
        "remote": atom("h"),
        "user_agent": atom("a"),
        "referer": atom("f"),
    }
