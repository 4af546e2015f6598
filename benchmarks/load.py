"""Load benchmark: the pages an incident spike hits, served by gunicorn with production
settings, measured with wrk against a trivial view on the same server.

    make bench-load                       # SQLite (and Redis as the cache if REDIS_URL is set)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        make bench-load                   # SQLite + Redis, then PostgreSQL + Redis

Each engine gets a throwaway database (a SQLite file in a temporary folder; a new database on
DATABASE_URL's server, dropped at the end) with the shipped content and status, and its own
key prefix in Redis (deleted at the end). gunicorn runs BENCH_WORKERS sync workers (2; 1 when
there is no Redis, as gunicorn.conf.py refuses more) on a free port of 127.0.0.1, with the
trivial views of benchmarks.settings. Then BENCH_ROUNDS interleaved rounds (3) of
`wrk -t2 -c20 -d<BENCH_DURATION>s --latency` (5 s) over every URL, once a round: wrk shares
the cores with the server, so absolute figures move with the machine's other work; medians
and the ratio to the trivial view measured in the same rounds move less. Before the load,
in-process: the render time of each page right after an edit (cold: the page cache was just
emptied) and served from the cache (warm). After it, each worker's memory; BENCH_SOAK_SECONDS
(0) adds a soak of mixed requests, one in ten with a query never seen before.

Bounded (about 3 minutes an engine with the defaults) and stops every process it starts.
A benchmark, not a test: nothing fails on a time; the targets are printed beside the figures.
"""

import contextlib
import io
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DURATION = int(os.environ.get("BENCH_DURATION", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
SOAK_SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "0"))
# (name, URL, target share of the trivial view's requests per second)
PAGES = [
    ("trivial view", "/bench/trivial/", None),
    ("trivial, uncached", "/bench/trivial-uncached/", None),
    ("home", "/", 0.50),
    ("guide", "/kb/quickstart/", 0.50),
    ("runbook", "/runbooks/cannot-sign-in/", 0.50),
    ("status page", "/status/", 0.50),
    ("search", "/search/?q=stream+stops", 0.25),
    ("status API", "/api/v2/summary.json", 0.80),
]
P99_TARGET_MS = 50
SOAK_SCRIPT = """
local paths = {"/", "/kb/quickstart/", "/runbooks/cannot-sign-in/", "/status/",
               "/search/?q=stream+stops", "/api/v2/summary.json"}
local n = 0
request = function()
  n = n + 1
  local p = paths[(n % #paths) + 1]
  if n % 10 == 0 then
    local sep = string.find(p, "?", 1, true) and "&" or "?"
    p = p .. sep .. "soak=" .. n .. "-" .. math.random(1, 1000000000)
  end
  return wrk.format(nil, p)
end
"""


# --------------------------------------------------------------------------- the parent


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (see the README's OS packages).")
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    engines = [("SQLite" + (" + Redis" if redis_url else ""), None)]
    if database_url.startswith("postgres") and redis_url:
        engines.append(("PostgreSQL + Redis", database_url))
    elif database_url:
        print("DATABASE_URL is set without REDIS_URL: PostgreSQL is measured with Redis only.")
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        folder = Path(folder)
        base = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),  # a throwaway key
            "STATIC_ROOT": str(folder / "static"),
            "LOG_FORMAT": "json",
            "PYTHONPATH": str(ROOT),
        }
        base.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        print("collectstatic (compressing with gzip and brotli) ...", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env={**base, "DATABASE_URL": f"sqlite:///{folder / 'unused.sqlite3'}"},
            check=True,
        )
        for label, url in engines:
            prefix = f"bench-{secrets.token_hex(4)}"
            env = {**base, "CACHE_KEY_PREFIX": prefix, "BENCH_LABEL": label}
            database = None
            if url is None:
                env["DATABASE_URL"] = f"sqlite:///{folder / f'{prefix}.sqlite3'}"
            else:
                database = f"helpcenter_bench_{os.getpid()}_{prefix[-8:]}"
                _postgres(url, f'CREATE DATABASE "{database}"')
                env["DATABASE_URL"] = _with_database(url, database)
            try:
                subprocess.run([sys.executable, "-m", "benchmarks.load", "--engine"], env=env)
            finally:
                if database:
                    _postgres(url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                if redis_url:
                    _forget_redis_keys(redis_url, prefix)


def _with_database(url, name):
    parts = urlsplit(url)
    return parts._replace(path=f"/{name}").geturl()


def _postgres(url, sql):
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(sql)


def _forget_redis_keys(url, prefix):
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        client.delete(key)


# --------------------------------------------------------------------------- one engine


def engine():
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    label = os.environ["BENCH_LABEL"]
    redis = bool(settings.REDIS_URL)
    workers = WORKERS if redis else 1
    print(f"\n== {label}: {workers} gunicorn worker(s), wrk -t2 -c20 -d{DURATION}s x{ROUNDS}")
    with contextlib.redirect_stdout(io.StringIO()):  # the commands' reports
        call_command("migrate", verbosity=0)
        call_command("import_content", str(ROOT / "content"))
        call_command("status", "import", str(ROOT / "content" / "status"))
        call_command("rebuild_search_index")
    _cold_and_warm()
    connection.close()  # the server's workers are the only clients from here
    port = _free_port()
    log = Path(os.environ["STATIC_ROOT"]).parent / f"gunicorn-{port}.log"
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            str(log),
        ],
        cwd=ROOT,  # gunicorn.conf.py
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base + "/bench/trivial/", server, log)
        for _, path, _ in PAGES:
            with urllib.request.urlopen(base + path, timeout=10) as answer:  # warm up
                assert answer.status == 200, (path, answer.status)
        before = _worker_memory(server.pid)
        results = _rounds(base)
        after = _worker_memory(server.pid)
        _report(results)
        print(f"worker memory (RSS, MB): before {before}, after the rounds {after}")
        if SOAK_SECONDS:
            _soak(base, server.pid)
    finally:
        stop(server)


def _cold_and_warm():
    """Server-side time of one request, in this process: right after an edit (the page cache
    was emptied, the page renders) and from the cache."""
    from django.test import Client

    from kb.models import Guide

    client = Client(HTTP_HOST="127.0.0.1")
    edited = Guide.objects.order_by("pk").last()
    print(f"{'in-process (ms, queries)':<30}{'cold p50':>10}{'warm p50':>10}{'queries':>9}")
    for name, path, target in PAGES:
        if target is None:
            continue
        cold, warm = [], []
        for _ in range(10):
            edited.save()  # any content edit empties the page cache, on every process
            cold.append(_timed(client, path))
        for _ in range(50):
            warm.append(_timed(client, path))
        edited.save()
        queries = _query_count(client, path)  # of a cold request
        print(
            f"{name:<30}{statistics.median(cold):>10.2f}{statistics.median(warm):>10.3f}"
            f"{queries:>9}"
        )


def _timed(client, path):
    start = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def _query_count(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return len(queries.captured_queries)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url, server, log):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer within 60 s:\n{log.read_text()}")


def stop(server):
    """TERM to the whole process group (master and workers), KILL if still there after 15 s.
    Also used by the test that starts servers (tests/helpcenter/test_scale_out.py)."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _worker_memory(master):
    sizes = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == master:
                status = (stat.parent / "status").read_text()
                sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) // 1024)
        except (OSError, AttributeError, IndexError):
            continue
    return sorted(sizes)


# --------------------------------------------------------------------------- wrk


def _wrk(url, *, duration=DURATION, script=None):
    command = ["wrk", "-t2", "-c20", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", script]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=duration + 60, check=True
    ).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "errors": int(m.group(1))
        if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output))
        else 0,
        "socket": (m.group(0) if (m := re.search(r"Socket errors:.*", output)) else ""),
    }


def _ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def _rounds(base):
    results = {name: [] for name, _, _ in PAGES}
    for round_ in range(1, ROUNDS + 1):
        print(f"round {round_}/{ROUNDS} ...", flush=True)
        for name, path, _ in PAGES:
            results[name].append(_wrk(base + path))
    return results


def _report(results):
    trivial = statistics.median(r["rps"] for r in results["trivial view"])
    print(
        f"{'page':<20}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'share':>8}"
        f"{'target':>10}{'p99<50':>8}"
    )
    for name, _, target in PAGES:
        runs = results[name]
        rps = statistics.median(r["rps"] for r in runs)
        p50 = statistics.median(r["p50"] for r in runs)
        p99 = statistics.median(r["p99"] for r in runs)
        errors = sum(r["errors"] for r in runs)
        goal = met = ""
        if target:
            goal = f"{target:.0%} {'ok' if rps / trivial >= target else 'no'}"
            met = "ok" if p99 < P99_TARGET_MS else "no"
        print(
            f"{name:<20}{rps:>9,.0f}{p50:>9.2f}{p99:>9.2f}{errors:>9}"
            f"{rps / trivial:>8.0%}{goal:>10}{met:>8}"
        )
        for run in runs:
            if run["socket"]:
                print(f"    {name}: {run['socket']}")
    print(f"(share: of the trivial view's {trivial:,.0f} req/s; p99 target {P99_TARGET_MS} ms)")


def _soak(base, master):
    from django.conf import settings

    print(f"soak: {SOAK_SECONDS} s of mixed requests, one in ten with a new query string")
    script = Path(os.environ["STATIC_ROOT"]).parent / "soak.lua"
    script.write_text(SOAK_SCRIPT)
    step = min(60, SOAK_SECONDS)
    elapsed = 0
    while elapsed < SOAK_SECONDS:
        run = _wrk(base + "/", duration=step, script=str(script))
        elapsed += step
        extra = ""
        if settings.REDIS_URL:
            import redis

            info = redis.Redis.from_url(settings.REDIS_URL).info("memory")
            extra = f", Redis used {info['used_memory_human']}"
        print(
            f"  {elapsed:>5} s: {run['rps']:,.0f} req/s, p99 {run['p99']:.1f} ms, "
            f"non-2xx {run['errors']}, worker RSS (MB) {_worker_memory(master)}{extra}",
            flush=True,
        )


if __name__ == "__main__":
    if sys.argv[1:] == ["--engine"]:
        engine()
    else:
        main()
