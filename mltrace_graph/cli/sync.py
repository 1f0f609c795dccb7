"""``mltrace-graph sync``: write the runs spooled while Neo4j was unreachable."""

from __future__ import annotations

import click

from mltrace_graph.cli import friendly_errors, main
from mltrace_graph.client import spool
from mltrace_graph.store.connection import Database


@main.command("sync")
@friendly_errors
def sync() -> None:
    """Replay the local spool ($MLTRACE_HOME/spool/runs.jsonl) into Neo4j.

    Runs land in the spool when a pipeline logs while Neo4j is down. Replaying is safe to
    repeat: a run already in the graph is not written twice, and only the lines written
    are removed from the spool.

    \b
    Example:
      mltrace-graph sync
    """
    total = spool.pending_count()
    if total == 0:
        click.echo(f"Nothing to sync: the spool ({spool.spool_file()}) is empty.")
        return
    db = Database()
    db.ping()  # a clear one-line error before any progress bar is drawn
    with click.progressbar(length=total, label="Writing spooled runs") as bar:
        report = spool.replay(db, on_written=bar.update)
    click.echo(f"Wrote {report.written} spooled run(s) to Neo4j.")
    if report.corrupt:
        click.echo(
            f"Set aside {report.corrupt} torn line(s) (a process killed mid-write) in "
            f"{spool.spool_dir() / 'corrupt.jsonl'}."
        )
