"""``mltrace-graph db upgrade|status``: schema migrations."""

from __future__ import annotations

import click

from mltrace_graph.cli import friendly_errors, main
from mltrace_graph.store import migrations
from mltrace_graph.store.connection import Database


@main.group("db")
def db_group() -> None:
    """Schema migrations of the lineage graph (files in migrations/)."""


@db_group.command("upgrade")
@friendly_errors
def db_upgrade() -> None:
    """Apply pending migrations in order; re-running is a no-op.

    \b
    Example:
      NEO4J_URI=neo4j://db.example:7687 mltrace-graph db upgrade
    """
    applied = migrations.upgrade(Database())
    if not applied:
        click.echo("Schema is up to date.")
    for migration in applied:
        click.echo(f"applied V{migration.version:04d} {migration.name}")


@db_group.command("status")
@friendly_errors
def db_status() -> None:
    """List migrations, applied (with time) and pending.

    \b
    Example:
      mltrace-graph db status
    """
    for row in migrations.status(Database()):
        when = row.applied_at.isoformat(timespec="seconds") if row.applied_at else "pending"
        click.echo(f"V{row.version:04d}  {row.name:<30} {when}")
