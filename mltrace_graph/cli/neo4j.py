"""``mltrace-graph neo4j start|stop|status``: the local Neo4j."""

from __future__ import annotations

import json

import click

from mltrace_graph import launcher
from mltrace_graph.cli import friendly_errors, main


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
