"""``mltrace-graph demo``: log a small taxi-tip pipeline so there is lineage to explore."""

from __future__ import annotations

import click

from mltrace_graph.cli import friendly_errors, main


@main.command("demo")
@friendly_errors
def demo() -> None:
    """Log a demo pipeline (ingest, clean, featuregen, train, inference) a few times.

    Older runs are backfilled so history and staleness have something to show; a few
    predictions are flagged for review. Safe to run again: each run adds new history.

    \b
    Example:
      mltrace-graph demo
    """
    from mltrace_graph.demo import run_demo

    result = run_demo(echo=click.echo)
    click.echo("")
    click.echo(f"An output id to trace (a prediction of the stale model): {result.trace_id}")
    click.echo(f"  in Python: mltrace_graph.backtrace({result.trace_id!r})")
