"""``trace``, ``impact``, ``flag``, ``unflag`` and ``review``: following lineage from the CLI."""

from __future__ import annotations

import click

from mltrace_graph.cli import friendly_errors, main, render
from mltrace_graph.cli.as_of import as_of_option
from mltrace_graph.service import lineage, review
from mltrace_graph.store.connection import Database

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
depth_option = click.option(
    "--max-depth",
    type=click.IntRange(min=0),
    default=None,
    help="Stop this many dependency hops away (default: no limit).",
)


@main.command("trace")
@click.argument("output_id")
@depth_option
@as_of_option
@json_option
@friendly_errors
def trace_command(output_id: str, max_depth: int | None, as_of: str | None, as_json: bool) -> None:
    """Show the runs that produced OUTPUT_ID, as a tree: each run once, stale runs marked.

    \b
    Example:
      mltrace-graph trace predictions/2026-01-05.csv --max-depth 5
      mltrace-graph trace predictions/2026-01-05.csv --as-of 2026-01-04T12:00
    """
    graph = lineage.trace(Database(), output_id, max_depth=max_depth, as_of=as_of)
    if as_json:
        click.echo(render.to_json(render.graph_dict(graph)))
    elif graph.note:
        click.echo(f"{output_id}\n  ({graph.note})")
    else:
        click.echo(render.as_of_line(graph.as_of) + render.trace_tree(graph))


@main.command("impact")
@click.argument("target")
@click.option(
    "--output", "is_output", is_flag=True, help="Read TARGET as an output name even if numeric."
)
@depth_option
@click.option("--flag", "flag_all", is_flag=True, help="Also flag every impacted output.")
@as_of_option
@json_option
@friendly_errors
def impact_command(
    target: str,
    is_output: bool,
    max_depth: int | None,
    flag_all: bool,
    as_of: str | None,
    as_json: bool,
) -> None:
    """Show every run and output downstream of a run id or an output name.

    TARGET is a run id when it is a number (unless --output), else an output name.

    \b
    Example:
      mltrace-graph impact 417 --flag     # run 417 was wrong: flag what it fed
      mltrace-graph impact raw/2026-01-05.csv --as-of 2026-01-05T08:00
    """
    if flag_all and as_of is not None:
        raise click.UsageError("--flag flags outputs now; it cannot be combined with --as-of")
    db = Database()
    run_id = None if is_output or not target.isdigit() else int(target)
    output_id = None if run_id is not None else target
    if flag_all:
        flagged = lineage.flag_impact(db, run_id=run_id, output_id=output_id, max_depth=max_depth)
    graph = lineage.impact(db, run_id=run_id, output_id=output_id, max_depth=max_depth, as_of=as_of)
    if as_json:
        data = render.graph_dict(graph)
        if flag_all:
            data["flagged"] = flagged
        click.echo(render.to_json(data))
        return
    click.echo(render.as_of_line(graph.as_of) + render.impact_listing(graph))
    if graph.note:
        click.echo(f"  ({graph.note})")
    if flag_all:
        click.echo(f"flagged {len(flagged)} output(s): {', '.join(flagged) or '-'}")


@main.command("flag")
@click.argument("output_ids", nargs=-1, required=True)
@friendly_errors
def flag_command(output_ids: tuple[str, ...]) -> None:
    """Flag outputs as wrong, for `review` (all or none: unknown names flag nothing).

    \b
    Example:
      mltrace-graph flag pred-1041 pred-1042
    """
    flagged = review.flag(Database(), list(output_ids))
    click.echo(f"flagged {', '.join(flagged)}")


@main.command("unflag")
@click.argument("output_ids", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Clear every flag.")
@friendly_errors
def unflag_command(output_ids: tuple[str, ...], everything: bool) -> None:
    """Clear the flag of outputs, or of every output with --all.

    \b
    Example:
      mltrace-graph unflag pred-1041
      mltrace-graph unflag --all
    """
    if everything == bool(output_ids):
        raise click.UsageError("give output ids or --all (not both)")
    if everything:
        count = review.unflag_all(Database())
        click.echo(f"unflagged {count} output(s)")
        return
    unflagged = review.unflag(Database(), list(output_ids))
    click.echo(f"unflagged {', '.join(unflagged)}")


@main.command("review")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show the top N runs.")
@click.option(
    "--rank",
    type=click.Choice(review.RANKS),
    default="coverage",
    show_default=True,
    help="coverage: share of flagged outputs a run fed; ochiai: also weighs good outputs.",
)
@as_of_option
@json_option
@friendly_errors
def review_command(limit: int | None, rank: str, as_of: str | None, as_json: bool) -> None:
    """Rank the runs behind the flagged outputs (coverage %, ef/ep, Ochiai score).

    ef / ep are the flagged / unflagged outputs that depend on a run. With --as-of, the
    review as it would have been then, with the flags of then.

    \b
    Example:
      mltrace-graph review --rank ochiai --limit 10
      mltrace-graph review --as-of 2026-01-05T09:00
    """
    result = review.review(Database(), rank=rank, limit=limit, as_of=as_of)
    if as_json:
        click.echo(render.to_json(render.review_dict(result)))
        return
    click.echo(render.as_of_line(result.as_of) + render.review_table(result))
    if result.note:
        click.echo(f"  ({result.note})")
