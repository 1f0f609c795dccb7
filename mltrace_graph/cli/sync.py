"""``mltrace-graph sync``: write the runs spooled while Neo4j was unreachable."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from mltrace_graph.cli import friendly_errors, main
from mltrace_graph.client.session import Client
from mltrace_graph.store.runs import write_rows


@main.command("sync")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The MLTRACE_HOME whose spool to replay (default: $MLTRACE_HOME or ~/.mltrace-graph); "
    "the spool warning of a pipeline names it.",
)
@friendly_errors
def sync(home: Path | None) -> None:
    """Replay the local spool ($MLTRACE_HOME/spool/runs.jsonl) into Neo4j.

    Runs land in the spool when a pipeline logs while Neo4j (or the server) is down. Each
    line is the same row a live log sends, so replayed runs are written exactly as they
    would have been, dependencies included. Replaying is safe to repeat: a run already in
    the graph is not written twice, and only the lines written are removed from the spool.

    \b
    Examples:
      mltrace-graph sync
      mltrace-graph sync --home /srv/pipeline/.mltrace-graph
    """
    client = Client(home=home)
    spool = client.spool
    total = spool.pending_count()
    if total == 0:
        click.echo(f"Nothing to sync: the spool ({spool.file}) is empty.")
        return
    db = client.database()
    db.ping()  # a clear one-line error before any progress bar is drawn
    with click.progressbar(length=total, label=f"Writing spooled runs from {spool.file}") as bar:
        report = spool.replay(functools.partial(write_rows, db), on_written=bar.update)
    click.echo(f"Wrote {report.written} spooled run(s) to Neo4j at {db.settings.uri}.")
    if report.corrupt:
        click.echo(
            f"Set aside {report.corrupt} torn line(s) (a process killed mid-write) in "
            f"{spool.corrupt_file}."
        )
