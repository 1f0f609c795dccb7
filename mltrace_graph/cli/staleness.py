"""``stale`` and ``plan``: what is stale behind an output or run, and what to re-run."""

from __future__ import annotations

import click

from mltrace_graph.cli import friendly_errors, main, render
from mltrace_graph.cli.as_of import as_of_option
from mltrace_graph.service import staleness
from mltrace_graph.service.staleness import Reason, StalenessReport
from mltrace_graph.store.connection import Database

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")

# One colour per kind, so a long report can be skimmed for the kind of cause.
KIND_COLOURS = {"DATA": "yellow", "AGE": "magenta", "CODE": "cyan", "UPSTREAM": "blue"}


def parse_target(target: str) -> tuple[str | None, int | None]:
    """``run:<id>`` or a plain number is a run; ``io:<name>`` or any other text an output."""
    kind, sep, rest = target.partition(":")
    if sep and kind == "run":
        if not rest.strip().isdigit():
            raise click.BadParameter(f"{target!r}: a run is 'run:<integer>'")
        return None, int(rest)
    if sep and kind == "io":
        return rest, None
    if target.isdigit():
        return None, int(target)
    return target, None


def _reason_line(reason: Reason) -> str:
    kind, _, rest = reason.message.partition(": ")
    return click.style(kind, fg=KIND_COLOURS.get(kind), bold=True) + ": " + rest


def _moment(report: StalenessReport) -> str:
    return "now" if report.as_of is None else render.when(report.as_of)


def _headline(report: StalenessReport) -> str:
    if not report.runs:
        what = (
            "it had not started" if report.target.startswith("run:") else "no run had produced it"
        )
        return f"{report.target}: fresh ({what} as of {_moment(report)}, so nothing to check)"
    total = len(report.runs)
    if report.fresh:
        word = click.style("fresh", fg="green", bold=True)
        return f"{report.target}: {word} as of {_moment(report)} ({total} run(s) checked)"
    stale = sum(1 for s in report.runs if s.stale)
    word = click.style("stale", fg="red", bold=True)
    return f"{report.target}: {word} as of {_moment(report)} ({stale} of {total} run(s) stale)"


def plan_text(report: StalenessReport) -> str:
    """The re-run plan, one numbered step per run, each with its reasons."""
    if not report.plan:
        return "nothing to re-run"
    lines = ["Re-run, in this order:"]
    for step in report.plan:
        lines.append(f"  {step.order}. {step.component}  (replaces run {step.run_id})")
        lines.extend(f"       {_reason_line(r)}" for r in step.reasons)
    return "\n".join(lines)


def report_text(report: StalenessReport) -> str:
    """The stale runs upstream first with their reasons, then the plan."""
    lines = [_headline(report)]
    for stale_run in report.runs:
        if not stale_run.stale:
            continue
        run = stale_run.run
        lines.append(f"  run {run.id} {run.component_name}")
        lines.extend(f"    {_reason_line(r)}" for r in stale_run.reasons)
    if not report.fresh:
        lines.append(plan_text(report))
    return "\n".join(lines)


@main.command("stale")
@click.argument("target", metavar="OUTPUT_OR_RUN")
@as_of_option
@json_option
@friendly_errors
def stale_command(target: str, as_of: str | None, as_json: bool) -> None:
    """Say why the runs behind an output, or a run, are stale, and what to re-run.

    OUTPUT_OR_RUN is a run when it is 'run:<id>' or a plain number, else an output name
    ('io:<name>' for an output whose name is a number). Reasons: DATA (a dependency has
    a newer run, or an input was produced again), AGE (a dependency is older than the
    threshold), CODE (a later run of the component has other code), UPSTREAM (an
    ancestor is stale; names the root cause).

    \b
    Example:
      mltrace-graph stale predictions/2026-01-05.csv
      mltrace-graph stale run:417 --as-of 2026-01-05T09:30
    """
    output_id, run_id = parse_target(target)
    report = staleness.staleness(Database(), output_id, as_of, run_id=run_id)
    click.echo(render.to_json(report.to_dict()) if as_json else report_text(report))


@main.command("plan")
@click.argument("output_id")
@as_of_option
@json_option
@friendly_errors
def plan_command(output_id: str, as_of: str | None, as_json: bool) -> None:
    """List the components to re-run, upstream first, to make OUTPUT_ID fresh.

    Each step names the stale run it replaces and why; "fresh" when nothing needs it.

    \b
    Example:
      mltrace-graph plan predictions/2026-01-05.csv --json
    """
    report = staleness.staleness(Database(), output_id, as_of)
    if as_json:
        data = report.to_dict()
        del data["runs"]
        click.echo(render.to_json(data))
        return
    click.echo(_headline(report) + "\n" + plan_text(report))
