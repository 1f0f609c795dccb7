"""``flag-history``: who flagged or unflagged an output and when (the audit trail)."""

from __future__ import annotations

from typing import Any

import click

from mltrace_graph.cli import friendly_errors, main, render
from mltrace_graph.service import flags
from mltrace_graph.store.connection import Database
from mltrace_graph.store.flags import FlagEvent


def flag_trail(events: list[FlagEvent], with_output: bool = False) -> str:
    """One line per event, newest first: time, flagged/unflagged, (output,) by whom."""
    lines = []
    for event in events:
        what = "flagged  " if event.flagged else "unflagged"
        output = f" {event.output}" if with_output else ""
        lines.append(f"  {render.when(event.at)}  {what}{output}  by {event.by}")
    return "\n".join(lines)


def flag_trail_dict(events: list[FlagEvent]) -> list[dict[str, Any]]:
    return [vars(event) for event in events]


@main.command("flag-history")
@click.argument("output_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@friendly_errors
def flag_history_command(output_id: str, as_json: bool) -> None:
    """Show when OUTPUT_ID was flagged and unflagged, and by whom, newest first.

    "by" is the API token's name for changes made through the server, "local" for the
    Python API and the CLI. A flag set before flag events were recorded has no event.

    \b
    Example:
      mltrace-graph flag-history pred-1041
    """
    events = flags.flag_history(Database(), output_id)
    if as_json:
        click.echo(render.to_json(flag_trail_dict(events)))
    elif not events:
        click.echo(f"No flag events for {output_id}.")
    else:
        click.echo(flag_trail(events))
