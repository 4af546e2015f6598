"""Migrating the test database to a point of the migration graph and back, for the tests of
data migrations (they run as transactional tests: migrations commit).

A test ends with `restore()`, which copies the migrated template back (tests/databases.py),
instead of migrating forward again. It starts at the point it tests in one of two ways,
whichever touches fewer migrations: `migrate()` back from the newest state unapplies that
point's dependents (a few for a point late in the graph or of an app little else needs:
the accounts, the insights); `start_at()` migrates an empty database forward to the point,
applying only what it needs (for an early point of `tickets`, which most of the graph
follows: its way back and forward again took 15 s each on 2 cores). What the test is
about is migrated for real: `latest()` after the old rows are made (every data migration
on the way runs on them) and, for a test of the way back, `migrate()` from there."""

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
