"""Benchmark rows for staleness at query time (issue 12), called from ``measure_at_sizes``.

At each database size the suite grows to, the same depth-10 output the backtrace rows
probe is asked for its staleness; at the first size, also the deepest chain up to 100
(the depth-100 chain at default scale) for staleness with its plan. At the last of
several sizes, the ratio to the first says whether the cost follows the trace rather than
the database.
"""

from __future__ import annotations

from functools import partial

import mltrace_graph as mt
from mltrace_graph.bench import suite
from mltrace_graph.bench.timing import repeat

__all__ = ["measure_at_size"]

AREA = "staleness"


def _deep_output(scale: suite.Scale) -> tuple[int, str] | None:
    """The output of the deepest chain the suite logged up to depth 100, if any."""
    depths = [d for d in scale.chain_depths if d <= 100]
    if not depths:
        return None
    depth = max(depths)
    return depth, f"chain{depth}-out-{depth - 1}"  # as workloads.chain names its outputs


def measure_at_size(report: suite.Report, scale: suite.Scale, probe: str, size: int) -> None:
    """Adds this size's staleness rows (and, at the last of several sizes, the ratio)."""
    if size == scale.sizes[0] and (deep := _deep_output(scale)) is not None:
        depth, output = deep
        sample = repeat(partial(mt.get_staleness, output), scale.reps, warmup=scale.reps)
        report.add(
            suite._timed(
                AREA,
                f"staleness + plan of a depth-{depth} output",
                sample,
                20.0 if depth == 100 else None,
                chain_depth=depth,
            )
        )
    sample = repeat(partial(mt.get_staleness, probe), scale.reps, warmup=scale.reps)
    report.add(
        suite._timed(
            AREA,
            f"staleness of a depth-10 output with {size:,} runs in the database",
            sample,
            None,
            size=size,
        )
    )
    if size == scale.sizes[-1] and len(scale.sizes) > 1:
        by_size = {
            row.params.get("size"): row.p50_ms
            for row in report.results
            if row.area == AREA and "size" in row.params
        }
        first, last = by_size.get(scale.sizes[0]), by_size.get(size)
        if first and last:
            report.add(
                suite.Result(
                    AREA,
                    f"staleness of a depth-10 output, {size:,} vs {scale.sizes[0]:,} runs",
                    value=last / first,
                    unit="x",
                    target="<= 2x",
                )
            )
