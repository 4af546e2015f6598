"""Migrating the test database to a point of the migration graph and back, for the tests of
data migrations (they run as transactional tests: migrations commit).

A test starts from an empty database migrated forward to the point it tests (`start_at`:
only what that point needs is applied) and ends with `restore()`, which puts the migrated
template back (tests/databases.py). Migrating the whole graph back from the newest state
and forward again at the end cost about 15 s each way; what stays whole is what the test
is about: `latest()` after the old rows are made (every data migration on the way runs on
them) and, for a test of the way back, `migrate()` from there."""

from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import databases


def migrate(targets, state=None):
    """Migrate to `targets` ([(app, migration name or None)]); the models as they are at
    `state` (the targets by default), as the migrations there see them."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(state or targets).apps


def start_at(targets, state=None):
    """An empty database migrated forward to `targets`: what they need, nothing else."""
    databases.reset(connection.alias, empty=True)
    return migrate(targets, state)


def latest():
    """Migrate forward to the newest migration of every app, then make what `migrate` makes
    after migrating (content types and permissions of every model)."""
    apps = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    return apps


def restore():
    """The test database as the other tests expect it: the migrated template."""
    databases.reset(connection.alias)
