"""The ``mltrace-graph`` command: one click group, each command a thin call into the package.

Expected failures (``MltraceGraphError``) print as one line on stderr with exit code 1;
usage errors exit with 2 (click's convention). No command builds Cypher.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import click

from mltrace_graph import launcher
from mltrace_graph.errors import MltraceGraphError
from mltrace_graph.store import migrations
from mltrace_graph.store.connection import Database, close_drivers

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Prints our expected errors as one line instead of a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MltraceGraphError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        finally:
            close_drivers()

    return cast(F, wrapper)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mltrace-graph")
def main() -> None:
    """Lineage and tracing for ML pipelines, stored as a graph in Neo4j.

    \b
    Quick start:
      mltrace-graph neo4j start      # a local Neo4j, no Docker needed
      mltrace-graph db upgrade       # create constraints and indexes
    Connection settings come from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE
    (or the same names prefixed with MLTRACE_); without them the local Neo4j is used.
    """


# --- neo4j -------------------------------------------------------------------------------


@main.group("neo4j")
def neo4j_group() -> None:
    """Run a local Neo4j Community server (no Docker needed).

    \b
    The first start fetches Neo4j from Maven Central with Maven (Java 17+ needed).
    Data lives in $MLTRACE_HOME/neo4j (default ~/.mltrace-graph/neo4j); the generated
    password in $MLTRACE_HOME/neo4j-password (readable by you only).
    Memory: MLTRACE_NEO4J_HEAP (default 512m), MLTRACE_NEO4J_PAGECACHE_MB (default 256).
    """


@neo4j_group.command("start")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    envvar="MLTRACE_NEO4J_BOLT_PORT",
    default=7687,
    show_default=True,
    help="Bolt port on 127.0.0.1 (0: any free one).",
)
@click.option(
    "--timeout",
    type=float,
    default=180.0,
    show_default=True,
    help="Seconds to wait for Bolt to answer.",
)
@friendly_errors
def neo4j_start(port: int, timeout: float) -> None:
    """Start the local Neo4j in the background and wait until it answers.

    \b
    Example:
      mltrace-graph neo4j start --port 7688
    """
    cfg = launcher.LauncherConfig.from_env(port=port)
    before = launcher.status(cfg)
    if before.running:
        click.echo(f"Neo4j is already running at {before.uri} (pid {before.pid}).")
        return
    state = launcher.start(cfg, echo=click.echo, timeout=timeout)
    click.echo(f"Neo4j is running at {state.uri} (pid {state.pid}).")
    click.echo(f"  data: {state.data_dir}\n  log:  {state.log_file}")


@neo4j_group.command("stop")
@friendly_errors
def neo4j_stop() -> None:
    """Stop the local Neo4j cleanly (all committed data is kept).

    \b
    Example:
      mltrace-graph neo4j stop
    """
    cfg = launcher.LauncherConfig.from_env()
    if launcher.stop(cfg):
        click.echo("Neo4j stopped.")
    else:
        click.echo("Neo4j is not running.")


@neo4j_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@friendly_errors
def neo4j_status(as_json: bool) -> None:
    """Say whether the local Neo4j runs, with its URI, pid and data folder.

    \b
    Example:
      mltrace-graph neo4j status --json
    """
    state = launcher.status(launcher.LauncherConfig.from_env())
    if as_json:
        click.echo(
            json.dumps(
                {
                    "running": state.running,
                    "uri": state.uri,
                    "pid": state.pid,
                    "data_dir": str(state.data_dir),
                    "log": str(state.log_file),
                    "version": state.version,
                }
            )
        )
        return
    if state.running:
        click.echo(f"running  {state.uri}  pid {state.pid}")
    else:
        click.echo("not running")
    click.echo(f"data     {state.data_dir}\nlog      {state.log_file}")


# --- db ----------------------------------------------------------------------------------


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
