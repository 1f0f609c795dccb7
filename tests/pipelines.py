"""Hand-built pipelines for the read-side tests: runs with explicit, distinct timestamps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import record_runs

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def make_run(
    name: str,
    minute: float,
    inputs: Sequence[str] = (),
    outputs: Sequence[str] = (),
    *,
    seconds: float = 5,
    upstream: Sequence[str] = (),
) -> ComponentRun:
    """A run of ``name`` starting ``minute`` minutes after T0 and lasting ``seconds``."""
    start = T0 + timedelta(minutes=minute)
    run = ComponentRun(
        name,
        start_timestamp=start,
        end_timestamp=start + timedelta(seconds=seconds),
        inputs=list(inputs),
        outputs=list(outputs),
    )
    if upstream:
        run.set_upstream(list(upstream))
    return run


def log(db: Database, *runs: ComponentRun) -> list[ComponentRun]:
    """Logs the runs in order (ids 1, 2, ... on an empty graph) and returns them."""
    record_runs(db, list(runs))
    return list(runs)


def chain(db: Database, length: int) -> list[ComponentRun]:
    """step1 -> step2 -> ...: run i consumes out{i-1} and produces out{i}."""
    runs = [
        make_run(f"step{i}", i, [f"out{i - 1}"] if i > 1 else [], [f"out{i}"])
        for i in range(1, length + 1)
    ]
    return log(db, *runs)


def diamond(db: Database) -> list[ComponentRun]:
    """a -> (b, c) -> d, with a raw input ``src``; ids a=1, b=2, c=3, d=4."""
    return log(
        db,
        make_run("a", 0, ["src"], ["a.out"]),
        make_run("b", 1, ["a.out"], ["b.out"]),
        make_run("c", 2, ["a.out"], ["c.out"]),
        make_run("d", 3, ["b.out", "c.out"], ["d.out"]),
    )


def diamond_ladder(db: Database, layers: int) -> list[ComponentRun]:
    """``layers`` layers of two runs, each consuming both outputs of the layer before.

    The number of paths from the top to the bottom is 2**(layers - 1).
    """
    runs = []
    for layer in range(layers):
        inputs = [f"l{layer - 1}.left", f"l{layer - 1}.right"] if layer else []
        for side in ("left", "right"):
            runs.append(
                make_run(f"{side}", layer * 2 + (side == "right"), inputs, [f"l{layer}.{side}"])
            )
    return log(db, *runs)
