"""Times the lineage queries on the shapes that break naive path queries (not a test).

Run against a scratch database (it deletes the lineage graph first):

    MLTRACE_NEO4J_URI=bolt://127.0.0.1:7687 .venv/bin/python benchmarks/lineage.py

Shapes: a chain of --chain runs (depth), and a "diamond ladder" of --layers layers of two
runs each consuming both outputs of the layer before (2**(layers-1) paths top to bottom).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.store import lineage, review
from mltrace_graph.store.components import delete_lineage
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import record_runs

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _run(name: str, i: int, inputs: list[str], outputs: list[str]) -> ComponentRun:
    start = T0 + timedelta(seconds=i)
    return ComponentRun(
        name,
        start_timestamp=start,
        end_timestamp=start + timedelta(seconds=1),
        inputs=inputs,
        outputs=outputs,
    )


def _timed(label: str, work: Callable[[], object]) -> None:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    print(f"  {label:<40} {best * 1000:8.1f} ms (best of 3)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chain", type=int, default=1000)
    parser.add_argument("--layers", type=int, default=40)
    args = parser.parse_args()
    db = Database()
    delete_lineage(db)
    chain = [
        _run(f"step{i % 10}", i, [f"c{i - 1}"] if i else [], [f"c{i}"]) for i in range(args.chain)
    ]
    ladder = []
    for layer in range(args.layers):
        inputs = [f"l{layer - 1}.a", f"l{layer - 1}.b"] if layer else []
        for side in ("a", "b"):
            ladder.append(_run(f"ladder.{side}", 10**6 + layer * 2, inputs, [f"l{layer}.{side}"]))
    for batch in range(0, len(chain), 500):
        record_runs(db, chain[batch : batch + 500])
    record_runs(db, ladder)
    top = f"l{args.layers - 1}.a"
    review.flag_outputs(db, [f"c{args.chain - 1}", top])
    print(f"chain of {args.chain} runs, ladder of {args.layers} layers")
    _timed("backtrace, chain end", lambda: lineage.backtrace(db, f"c{args.chain - 1}"))
    _timed("trace graph, chain end", lambda: lineage.trace(db, f"c{args.chain - 1}"))
    _timed("backtrace, ladder top", lambda: lineage.backtrace(db, top))
    _timed("trace graph, ladder top", lambda: lineage.trace(db, top))
    _timed("impact of the ladder's first run", lambda: lineage.impact(db, run_id=ladder[0].id))
    _timed("review by coverage", lambda: review.review(db))
    _timed("review by ochiai", lambda: review.review(db, rank="ochiai"))


if __name__ == "__main__":
    main()
