"""Gunicorn reads this file from the working directory (`.venv/bin/gunicorn helpcenter.wsgi`)."""

import os


def on_starting(server):
    """Several workers without a shared cache would each keep their own rate-limit counters."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpcenter.settings")
    from helpcenter.checks import unshared_cache_problem

    problem = unshared_cache_problem(workers=server.cfg.workers)
    if problem:  # gunicorn prints a RuntimeError's message and exits with status 1
        raise RuntimeError(f"{problem} Set REDIS_URL, or start one worker (--workers 1).")
