"""Gunicorn reads this file from the working directory: `.venv/bin/gunicorn helpcenter.wsgi`
(`make serve` does it). Command-line options win over these values.

Signals to the master process: HUP reloads the code and this file gracefully (new workers
start, old ones finish the requests they have, for up to graceful_timeout); TERM stops the
same way; TTIN/TTOU add or remove a worker.
"""

import os
from pathlib import Path

from gunicorn.glogging import Logger

from core.logs import JsonFormatter, RedactPrivateLinks, log_format

wsgi_app = "helpcenter.wsgi"
# Sync workers: each renders one request at a time, and cached pages take well under a
# millisecond. More than one needs a shared cache (REDIS_URL): see on_starting below.
workers = int(os.environ.get("WEB_CONCURRENCY") or 1)
# A worker silent this long is killed and replaced (a request stuck on the database).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On HUP or TERM, requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Behind a proxy that keeps connections to us open (nginx `keepalive`).
keepalive = 5
# Restart a worker after this many requests (0: never). A guard against a slow leak; each
# restart empties that worker's memory cache when there is no Redis.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# gunicorn's control socket ($HOME/.gunicorn/gunicorn.ctl, shared by every gunicorn this
# user runs) is off: the signals above do the same to the right master.
control_socket_disable = True
# The worker heartbeat file: in memory, never on a slow or full disk.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None

# Logs on stdout/stderr, one line per request with its ID (X-Request-ID, set by
# core.web.middleware.request_log); JSON lines when LOG_FORMAT is json (the default with
# DEBUG off). `--access-logfile /dev/null` turns the access log off.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s "%(a)s" "%(f)s"'
)


class HelpcenterLogger(Logger):
    """gunicorn's logger, with JSON lines when LOG_FORMAT is json, and no private link's
    token in any line (the request line, path, query and Referer of the access log, the
    error log's lines): core.logs.RedactPrivateLinks on every handler."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(RedactPrivateLinks())
                if log_format() == "json":
                    handler.setFormatter(JsonFormatter())


logger_class = HelpcenterLogger


def on_starting(server):
    """Several workers without a shared cache would each keep their own rate-limit counters."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpcenter.settings")
    from helpcenter.checks import unshared_cache_problem

    problem = unshared_cache_problem(workers=server.cfg.workers)
    if problem:  # gunicorn prints a RuntimeError's message and exits with status 1
        raise RuntimeError(f"{problem} Set REDIS_URL, or start one worker (--workers 1).")
