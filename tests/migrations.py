"""Migrating the test database to a point of the migration graph and back, for the tests of
data migrations (they run as transactional tests: migrations commit)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets, state=None):
    """Migrate to `targets` ([(app, migration name or None)]); the models as they are at
    `state` (the targets by default), as the migrations there see them."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(state or targets).apps


def latest():
    """Migrate forward to the newest migration of every app."""
    return migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
