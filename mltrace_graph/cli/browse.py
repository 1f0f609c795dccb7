"""``recent``, ``history``, ``inspect``, ``components``, ``tags``, ``search``, ``clear``."""

from __future__ import annotations

from datetime import datetime

import click

from mltrace_graph.cli import friendly_errors, main, render
from mltrace_graph.cli.as_of import as_of_option
from mltrace_graph.cli.flag_history import flag_trail, flag_trail_dict
from mltrace_graph.errors import InvalidInputError
from mltrace_graph.service import components, flags, runs, search
from mltrace_graph.store import components as component_store
from mltrace_graph.store.connection import Database

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
DATE = click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"])


def _print_runs(runs: list, as_json: bool, empty: str) -> None:  # type: ignore[type-arg]
    if as_json:
        click.echo(render.to_json([render.run_dict(run) for run in runs]))
        return
    if not runs:
        click.echo(empty)
        return
    click.echo(render.RUN_HEADER)
    for run in runs:
        click.echo(render.run_line(run))


@main.command("recent")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--after", type=int, default=None, help="Continue after this run id (paging).")
@as_of_option
@json_option
@friendly_errors
def recent_command(limit: int, after: int | None, as_of: str | None, as_json: bool) -> None:
    """List the most recently started runs across all components.

    \b
    Example:
      mltrace-graph recent --limit 10
      mltrace-graph recent --limit 10 --after 417    # the next page
      mltrace-graph recent --as-of 2026-01-05T09:00  # the latest runs then
    """
    found = runs.recent_runs(Database(), limit=limit, last_run_id=after, as_of=as_of)
    _print_runs(found, as_json, "No runs yet.")


@main.command("history")
@click.argument("component_name")
@click.argument("count", type=click.IntRange(min=1), required=False)
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--since", type=DATE, default=None, help="Runs started at or after (UTC).")
@click.option("--until", type=DATE, default=None, help="Runs started at or before (UTC).")
@as_of_option
@json_option
@friendly_errors
def history_command(
    component_name: str,
    count: int | None,
    limit: int,
    since: datetime | None,
    until: datetime | None,
    as_of: str | None,
    as_json: bool,
) -> None:
    """List the newest runs of a component (mltrace's `history NAME 15` works too).

    \b
    Example:
      mltrace-graph history train --limit 15 --since 2026-01-01
    """
    found = runs.component_history(
        Database(),
        component_name,
        limit=count or limit,
        since=_utc(since),
        until=_utc(until),
        as_of=as_of,
    )
    _print_runs(found, as_json, f"No runs of {component_name} in that window.")


def _utc(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat() + "+00:00"


@main.command("inspect")
@click.argument("run_id", type=int)
@click.option("--code", is_flag=True, help="Also print the code snapshot.")
@json_option
@friendly_errors
def inspect_command(run_id: int, code: bool, as_json: bool) -> None:
    """Show a run card: timing, git, inputs, outputs, dependencies, staleness, params.

    \b
    Example:
      mltrace-graph inspect 417 --code
    """
    db = Database()
    run = runs.run(db, run_id)
    trail = flags.run_flag_history(db, run_id)
    if as_json:
        click.echo(render.to_json(render.run_dict(run) | {"flag_events": flag_trail_dict(trail)}))
        return
    click.echo(render.run_card(run, code))
    if trail:
        click.echo("Flag events:\n" + flag_trail(trail, with_output=True))


@main.command("components")
@click.option("--tag", default=None, help="Only components with this tag.")
@click.option("--owner", default=None, help="Only components with this owner.")
@json_option
@friendly_errors
def components_command(tag: str | None, owner: str | None, as_json: bool) -> None:
    """List components with their owner, tags and number of runs.

    \b
    Example:
      mltrace-graph components --tag nightly --owner ana
    """
    found = components.components(Database(), tag=tag, owner=owner)
    if as_json:
        click.echo(render.to_json([vars(c) for c in found]))
        return
    if not found:
        click.echo("No components match.")
        return
    click.echo(f"{'COMPONENT':<24} {'OWNER':<12} {'RUNS':>5}  {'LAST RUN':<23}  TAGS")
    for c in found:
        click.echo(
            f"{c.name:<24} {c.owner or '-':<12} {c.run_count:>5}  "
            f"{render.when(c.last_run_start):<23}  {', '.join(c.tags) or '-'}"
        )


@main.command("tags")
@json_option
@friendly_errors
def tags_command(as_json: bool) -> None:
    """List every tag.

    \b
    Example:
      mltrace-graph tags --json
    """
    names = components.tags(Database())
    if as_json:
        click.echo(render.to_json(names))
    else:
        click.echo("\n".join(names) if names else "No tags yet.")


@main.command("search")
@click.option("--component", default=None)
@click.option("--tag", default=None)
@click.option("--owner", default=None)
@click.option("--since", type=DATE, default=None, help="Started at or after (UTC).")
@click.option("--until", type=DATE, default=None, help="Started at or before (UTC).")
@click.option("--status", type=click.Choice(["success", "failed"]), default=None)
@click.option(
    "--filter", "filter_string", default=None, help='e.g. "metrics.acc > 0.9 and params.k = 3"'
)
@click.option("--order-by", multiple=True, help="e.g. 'metrics.acc DESC' (repeatable, up to 3).")
@click.option("--max-results", type=click.IntRange(min=1), default=100, show_default=True)
@json_option
@friendly_errors
def search_command(
    component: str | None,
    tag: str | None,
    owner: str | None,
    since: datetime | None,
    until: datetime | None,
    status: str | None,
    filter_string: str | None,
    order_by: tuple[str, ...],
    max_results: int,
    as_json: bool,
) -> None:
    """Search runs by component, tag, owner, time, params and metrics (MLflow-style).

    \b
    Example:
      mltrace-graph search --component train --filter "metrics.acc > 0.9" \\
          --order-by "metrics.acc DESC"
    """
    try:
        found = search.search_runs(
            Database(),
            component=component,
            tag=tag,
            owner=owner,
            since=_utc(since),
            until=_utc(until),
            status=status,
            filter_string=filter_string,
            order_by=list(order_by),
            max_results=max_results,
        )
    except InvalidInputError as exc:
        raise click.UsageError(str(exc)) from None
    if as_json:
        click.echo(render.search_json(found.records))
    elif not found.records:
        click.echo("No runs match.")
    else:
        click.echo(render.search_table(found.columns, found.records))


@main.command("clear")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@friendly_errors
def clear_command(yes: bool) -> None:
    """Delete every component, run, output and tag (the schema stays).

    \b
    Example:
      mltrace-graph clear --yes
    """
    if not yes:
        click.confirm("Delete the whole lineage graph?", abort=True)
    deleted = component_store.delete_lineage(Database())
    click.echo(f"deleted {deleted} node(s)")
