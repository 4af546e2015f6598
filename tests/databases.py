"""The test databases: migrated once, then copied for each test process.

Migrating the whole graph costs a test process about 12 seconds on SQLite, and every
process of a run (one per core) paid it. The first process that needs a database now
migrates a *template* while the others wait for it; each process then copies the template:

- SQLite: into the process's own in-memory database, with SQLite's backup API;
- PostgreSQL: `CREATE DATABASE ... TEMPLATE`, a file copy on the server.

The template is kept for the next run as long as what it was made from is unchanged: its
key is a hash of Django's version, every installed app's migration files and the roles the
migrations install (accounts/roles.py). A changed migration makes a new template, so a test
database is always what `migrate` makes of the code under test. SQLite's template lives in
`.test-databases/` (git ignores it); PostgreSQL's is the database `test_<name>_template`,
its key in the database's comment.
"""

import fcntl
import hashlib
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections

FOLDER = Path(settings.BASE_DIR) / ".test-databases"
# Besides the migrations, what they read from the code: the roles they install.
MIGRATIONS_READ = [Path(settings.BASE_DIR) / "accounts" / "roles.py"]


def template_key():
    """What a template was made from: Django's version, the migrations and what they read."""
    digest = hashlib.sha256(django.get_version().encode())
    for app in sorted(apps.get_app_configs(), key=lambda app: app.label):
        for path in sorted(Path(app.path, "migrations").glob("*.py")):
            digest.update(f"{app.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    for path in MIGRATIONS_READ:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def _one_process_at_a_time():
    """The processes of a run (and of runs side by side) make and copy templates in turn."""
    FOLDER.mkdir(exist_ok=True)
    with open(FOLDER / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _use(connection, name):
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _migrate(connection, name):
    _use(connection, name)
    call_command(
        "migrate", verbosity=0, interactive=False, database=connection.alias, run_syncdb=True
    )
    call_command("createcachetable", database=connection.alias)
    connection.close()


def _sqlite(connection, key):
    template = FOLDER / f"sqlite-{key}.sqlite3"
    with _one_process_at_a_time():
        if not template.exists():
            for old in FOLDER.glob("sqlite-*"):
                old.unlink()
            partial = FOLDER / f"sqlite-{key}.partial"
            _migrate(connection, str(partial))
            partial.rename(template)
    # The in-memory database Django's test setup would use (shared with the live server's
    # threads while this process holds a connection to it).
    _use(connection, connection.creation._get_test_db_name())

    def copy(empty=False):
        connection.ensure_connection()
        # SQLite's backup replaces every page of the destination: an empty source empties it.
        source = sqlite3.connect(":memory:" if empty else f"file:{template}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()

    copy()

    def drop():
        connection.close()

    return copy, drop


def _postgresql(connection, key):
    creation = connection.creation
    template = f"test_{connection.settings_dict['NAME']}_template"
    clone = creation._get_test_db_name()  # test_<name>, or test_<name>_gw0 in a worker
    quote = connection.ops.quote_name
    with _one_process_at_a_time():
        with creation._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [template],
            )
            row = cursor.fetchone()
            stale = row is not None and row[0] != key
            if stale:
                cursor.execute(f"DROP DATABASE {quote(template)}")
            if row is None or stale:
                suffix = creation.sql_table_creation_suffix()
                cursor.execute(f"CREATE DATABASE {quote(template)} {suffix}")
        if row is None or stale:
            _migrate(connection, template)
            with creation._nodb_cursor() as cursor:
                # Only a template that was migrated to the end carries its key.
                cursor.execute(f"COMMENT ON DATABASE {quote(template)} IS %s", [key])

    def copy(empty=False):
        connection.close()
        source = creation.sql_table_creation_suffix() if empty else f"TEMPLATE {quote(template)}"
        # Copies of one template are made in turn: PostgreSQL refuses to copy a database
        # another session is connected to (the template, while another process copies it).
        with _one_process_at_a_time(), creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(clone)}")
            cursor.execute(f"CREATE DATABASE {quote(clone)} {source}")

    copy()
    _use(connection, clone)

    def drop():
        connection.close()
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(clone)}")

    return copy, drop


# Each database's copy of its template (by alias), while this process holds them.
_copies = {}


def reset(alias="default", *, empty=False):
    """Put this process's test database back as its template was, or empty it: for the tests
    of data migrations, which start from an empty database migrated forward to the point
    they test (only what that point needs is applied) and end by restoring the template,
    instead of migrating the whole graph back and forward again (about 15 s each way)."""
    from django.contrib.contenttypes.models import ContentType

    _copies[alias](empty=empty)
    ContentType.objects.clear_cache()  # its ids are the template's again (or none)


def set_up():
    """Give this process its test databases; returns what tears them down."""
    key = template_key()
    undo = []
    for alias in settings.DATABASES:
        connection = connections[alias]
        name = connection.settings_dict["NAME"]
        make = _postgresql if connection.vendor == "postgresql" else _sqlite
        _copies[alias], drop = make(connection, key)
        undo.append((connection, name, drop))

    def tear_down():
        _copies.clear()
        for connection, name, drop in undo:
            drop()
            _use(connection, name)

    return tear_down
