"""Logs: each line carries the request ID; JSON lines in production, text in development;
no private link's token in any line (RedactPrivateLinks, on every handler).

Imported by gunicorn's master process too (gunicorn.conf.py), so nothing here loads Django.
"""

import contextvars
import json
import logging
import os
from datetime import UTC, datetime

from core.redaction import redact_private_links

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


class RedactPrivateLinks(logging.Filter):
    """Takes the tokens of private links (core.redaction) out of a record before any handler
    writes it: its message and arguments (gunicorn's access-log atoms: request line, path,
    query, Referer, every header), the fields JSON lines keep, and its traceback."""

    def filter(self, record):
        if isinstance(record.args, dict):  # gunicorn's access atoms, read by name
            for key, value in list(record.args.items()):
                if isinstance(value, str):
                    record.args[key] = redact_private_links(value, keep_path=True)
        else:
            try:
                message = record.getMessage()
            except Exception:  # a broken format: logging reports it, as it would anyway
                message = None
            if message is not None:
                record.msg, record.args = redact_private_links(message, keep_path=True), ()
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, redact_private_links(value, keep_path=True))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_private_links(record.exc_text, keep_path=True)
        if record.stack_info:
            record.stack_info = redact_private_links(record.stack_info, keep_path=True)
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
        if record.exc_text or record.exc_info:
            line["exception"] = record.exc_text or self.formatException(record.exc_info)
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
