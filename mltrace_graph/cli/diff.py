"""``diff`` and ``diff-runs``: what differs between two outputs' lineage, or two runs.

The text puts what a person needs first on top: the first divergences (where to look),
then every aligned component with its changes, then the runs on one side only. Colour
comes from ``click.style`` and disappears when the output is not a terminal.
"""

from __future__ import annotations

import json
from typing import Any

import click

from mltrace_graph.cli import friendly_errors, main, render
from mltrace_graph.cli.as_of import as_of_option
from mltrace_graph.service import diff
from mltrace_graph.service.diff import FieldChange, RunPairDiff, TraceDiff, UpstreamRun
from mltrace_graph.store.connection import Database

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


@main.command("diff")
@click.argument("output_a")
@click.argument("output_b")
@as_of_option
@json_option
@friendly_errors
def diff_command(output_a: str, output_b: str, as_of: str | None, as_json: bool) -> None:
    """Compare the runs behind OUTPUT_A and OUTPUT_B (say a good and a bad prediction).

    Runs are aligned by component; where a component occurs several times upstream, by
    depth from the output, then start time. "First divergences" are the most upstream
    aligned runs that differ in more than time: where to look first. Then each
    component's changes (params, metrics, git, code, status, tests, staleness, inputs and
    outputs, times), then runs found on one side only.

    \b
    Example:
      mltrace-graph diff pred-1041 pred-2077
      mltrace-graph diff pred-1041 pred-2077 --as-of 2026-01-05T09:30 --json
    To compare two runs of one component, use `mltrace-graph diff-runs R1 R2`.
    """
    result = diff.diff_traces(Database(), output_a, output_b, as_of=as_of)
    click.echo(render.to_json(result.to_dict()) if as_json else trace_diff_text(result))


@main.command("diff-runs")
@click.argument("run_a", type=int)
@click.argument("run_b", type=int)
@json_option
@friendly_errors
def diff_runs_command(run_a: int, run_b: int, as_json: bool) -> None:
    """Compare two runs of one component, field by field (run ids, as `recent` shows them).

    \b
    Example:
      mltrace-graph diff-runs 417 523
    To compare the whole lineage of two outputs, use `mltrace-graph diff A B`.
    """
    pair = diff.diff_runs(Database(), run_a, run_b)
    click.echo(render.to_json(pair.to_dict()) if as_json else run_pair_text(pair))


def trace_diff_text(result: TraceDiff) -> str:
    """The readable summary of a trace diff (pure; the command prints it)."""
    when = f" as of {render.when(result.as_of)}" if result.as_of else ""
    lines = [click.style(f"diff {result.a} .. {result.b}{when}", bold=True)]
    if result.identical:
        lines.append(click.style(result.summary, fg="green"))
        return "\n".join(lines)
    lines.append(result.summary)
    lines.append("")
    lines.append(click.style("First divergences (look here first):", bold=True))
    if not result.first_divergences:
        lines.append("  none: no aligned run differs in more than time")
    for d in result.first_divergences:
        head = click.style(f"  ! {d.component}", fg="red", bold=True)
        lines.append(f"{head} (run {d.a_run_id} -> run {d.b_run_id}): {_reason_tail(d.reason)}")
    lines.append("")
    lines.append(click.style("By component:", bold=True))
    for pair in result.pairs:
        lines.extend(_pair_lines(pair))
    lines.append("")
    lines.extend(_only_lines("a", result.a, result.only_in_a, "red"))
    lines.extend(_only_lines("b", result.b, result.only_in_b, "cyan"))
    return "\n".join(lines)


def run_pair_text(pair: RunPairDiff) -> str:
    """The readable form of a two-run diff."""
    lines = _pair_lines(pair, indent="")
    if not pair.same and pair.changes:
        lines.insert(1, pair.reason)
    return "\n".join(lines)


def _reason_tail(reason: str) -> str:
    """A reason without its leading ``component: `` (the line already names it)."""
    return reason.partition(": ")[2] or reason


def _pair_lines(pair: RunPairDiff, indent: str = "  ") -> list[str]:
    runs = f"run {pair.a.id}" if pair.same else f"run {pair.a.id} -> run {pair.b.id}"
    if pair.same:
        state = click.style("same run", fg="green")
    elif pair.substantive:
        state = click.style("changed", fg="yellow", bold=True)
    else:
        state = click.style("time only", fg="blue")
    where = f"{pair.component} {pair.position}" if pair.position else pair.component
    lines = [f"{indent}{where}  {runs}  {state}"]
    if pair.substantive:
        lines.extend(f"{indent}    {_change_line(c)}" for c in pair.changes)
    return lines


def _change_line(change: FieldChange) -> str:
    if change.kind == "added":
        return f"{change.field}: added {_value(change.b)}"
    if change.kind == "removed":
        return f"{change.field}: removed (was {_value(change.a)})"
    return f"{change.field}: {_value(change.a)} -> {_value(change.b)}"


def _value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def _only_lines(side: str, output: str, runs: tuple[UpstreamRun, ...], colour: str) -> list[str]:
    head = click.style(f"Only in {side} ({output}):", bold=True)
    if not runs:
        return [f"{head} none"]
    return [head] + [
        click.style(f"  {u.run.component_name} run {u.run.id} at depth {u.depth}", fg=colour)
        for u in runs
    ]
