"""One clock for every periodic job: apps register what must run and how often (in their
`jobs.py`), and `manage.py clock` runs whatever is due. `make run` and `make serve`
start it beside the server; in production it is one long-running process (or one cron line,
`manage.py clock --once` every minute).

Each job's next run is a row (PeriodicRun) claimed by one conditional UPDATE: two clocks
started by mistake, or a clock and an operator's `--once`, never run a job twice in one
period. A job that fails is logged and tried again at its next period; the others go on.
Jobs must be idempotent (each of ours is: it acts on what is due, then it is no longer due).
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import DatabaseError
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: callable
    # Whether a new installation runs it at once (True) or first after a whole period (a
    # weekly digest must not go out the minute a site is first started).
    at_start: bool = True


_jobs: dict[str, Job] = {}


def every(name, *, seconds=0, minutes=0, hours=0, days=0, at_start=True):
    """Register `function()` to run every period under `name` ("app.job"); used as a
    decorator or called with the function."""
    period = timedelta(seconds=seconds, minutes=minutes, hours=hours, days=days)
    if period <= timedelta(0):
        raise ValueError(f"{name}: the period must be positive")

    def register(function):
        _jobs[name] = Job(name=name, every=period, run=function, at_start=at_start)
        return function

    return register


def jobs():
    """Every registered job: each app's `jobs` module registers its own (found here, as the
    admin finds `admin` modules, so only the clock pays for importing them)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("jobs")
    return sorted(_jobs.values(), key=lambda job: job.name)


def _claim(job, now):
    """True when this process may run `job` now (and its next run is set a period on)."""
    from core.models import PeriodicRun

    first_due = now if job.at_start else now + job.every
    PeriodicRun.objects.get_or_create(name=job.name, defaults={"next_due": first_due})
    return bool(
        PeriodicRun.objects.filter(name=job.name, next_due__lte=now).update(
            next_due=now + job.every, last_started=now
        )
    )


def run_due(*, now=None, only=None):
    """Run every registered job that is due (or the one named `only`); returns
    [(name, outcome or the error's text, ok)] for those run."""
    from core.models import PeriodicRun

    now = now or timezone.now()
    ran = []
    for job in jobs():
        if only and job.name != only:
            continue
        try:
            if not _claim(job, now):
                continue
        except DatabaseError:
            log.exception("Clock: could not claim %s", job.name)
            continue
        try:
            outcome, ok = job.run(), True
        except Exception as error:
            log.exception("Clock: %s failed", job.name)
            outcome, ok = f"{type(error).__name__}: {error}", False
        summary = _summary(outcome)
        PeriodicRun.objects.filter(name=job.name).update(
            last_finished=timezone.now(), last_outcome=summary[:500], last_ok=ok
        )
        ran.append((job.name, summary, ok))
    return ran


def _summary(outcome):
    if isinstance(outcome, dict):
        return ", ".join(f"{key}: {value}" for key, value in outcome.items())
    if isinstance(outcome, list | tuple):
        return f"{len(outcome)} done" + (": " + "; ".join(map(str, outcome[:5])) if outcome else "")
    return "" if outcome is None else str(outcome)


def run_forever(*, check_every=5, write=print):
    """The clock process: look for due jobs every `check_every` seconds, until stopped."""
    while True:
        for name, summary, ok in run_due():
            if not ok or summary:
                write(f"{name}: {summary}" if ok else f"{name} FAILED: {summary}")
        time.sleep(check_every)
