"""The trace-diff row of ``make bench``: two outputs whose traces have 1,000 runs each.

The two traces are one chain pipeline logged twice ("day 1" and "day 2"), with the same
50 components repeating along the chain, so every run aligns by position and the diff does
all its work: 1,000 pairs compared, a changed param half-way up the first divergence.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import mltrace_graph as mt
from mltrace_graph.bench import workloads
from mltrace_graph.bench.suite import Report, Scale, _timed
from mltrace_graph.bench.timing import repeat
from mltrace_graph.entities.component_run import ComponentRun

__all__ = ["measure_diffs"]

TARGET_MS = 100.0


def two_days(length: int) -> tuple[list[ComponentRun], str, str]:
    """The same ``length``-run chain on two days; day 2 changes a param half-way up.

    Intermediate files keep their names from day to day (each day overwrites them), as a
    real pipeline's do; each day's final prediction has its own name, and those two are
    diffed.
    """
    runs = []
    last = length - 1
    for day in (0, 1):
        for i in range(length):
            start = workloads.EPOCH + timedelta(days=10 + day, seconds=i)
            output = f"diff-d{day}-prediction" if i == last else f"diff-out-{i}"
            run = ComponentRun(
                f"diff-step-{i % 50}",
                start_timestamp=start,
                end_timestamp=start + timedelta(seconds=1),
                inputs=[f"diff-out-{i - 1}"] if i else ["diff-source"],
                outputs=[output],
            )
            run.params = {"window": 14 if day and i == length // 2 else 7}
            runs.append(run)
    return runs, "diff-d0-prediction", "diff-d1-prediction"


def measure_diffs(report: Report, scale: Scale) -> None:
    """Times ``diff_traces`` of two outputs with traces as long as the longest chain."""
    length = max(scale.chain_depths)
    runs, a, b = two_days(length)
    mt.log_component_runs(runs)
    sample = repeat(partial(mt.diff_traces, a, b), scale.reps, warmup=scale.reps)
    target = TARGET_MS if length == 1000 else None
    report.add(
        _timed(
            "diff",
            f"diff of two outputs with {length:,}-run traces",
            sample,
            target,
            runs=length,
        )
    )
