"""Bench rows for reads as of a time: each against the same read as of now.

The targets are ratios ("within 1.5x of the same read now"), so each row times both reads
on the same graph, alternating call by call so that a busy machine slows both alike, and
reports p50(as of) / p50(now).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import mltrace_graph as mt
from mltrace_graph.bench.suite import Report, Result, Scale
from mltrace_graph.bench.timing import Sample
from mltrace_graph.bench.workloads import Production
from mltrace_graph.store import review as review_store
from mltrace_graph.store.connection import Database

__all__ = ["measure_as_of"]

REVIEW_FLAGGED = 1000


def _paired(
    now: Callable[[], object], then: Callable[[], object], times: int, warmup: int = 2
) -> tuple[Sample, Sample]:
    """Times the two calls alternately, after ``warmup`` unmeasured calls of each."""
    for _ in range(warmup):
        now()
        then()
    spent: tuple[list[float], list[float]] = ([], [])
    for _ in range(times):
        for call, seconds in ((now, spent[0]), (then, spent[1])):
            started = time.perf_counter()
            call()
            seconds.append(time.perf_counter() - started)
    return Sample(tuple(spent[0])), Sample(tuple(spent[1]))


def _ratio(area: str, what: str, then: Sample, now: Sample, **params: object) -> Result:
    return Result(
        area,
        what,
        p50_ms=then.p50_ms,
        p95_ms=then.p95_ms,
        value=then.p50_ms / now.p50_ms if now.p50_ms else None,
        unit="x",
        target="<= 1.5x",
        params={"now_p50_ms": now.p50_ms, **params},
    )


def measure_as_of(report: Report, scale: Scale, db: Database, production: Production) -> None:
    """Trace and review as of a moment, each against the same read now."""
    if not production.flagged:
        return
    output = production.flagged[0]
    graph = mt.trace_graph(output)
    starts = [n.start_timestamp for n in graph.runs if n.start_timestamp is not None]
    # A moment an hour after the trace's last run started: the same graph, read as of then.
    as_of = max(starts) + timedelta(hours=1)
    now, then = _paired(
        partial(mt.trace_graph, output), partial(mt.trace_graph, output, as_of=as_of), scale.reps
    )
    report.add(
        _ratio(
            "as of", f"trace as of a time ({len(graph.runs)} runs)", then, now, runs=len(graph.runs)
        )
    )

    count = min(REVIEW_FLAGGED, len(production.flagged) - 10)
    if count < 1:
        return
    mt.unflag_all()
    review_store.flag_outputs(db, production.flagged[:count])
    moment = datetime.now(UTC)
    # Some flags change after the moment, so the read as of it has events to look at.
    review_store.unflag_outputs(db, production.flagged[:5])
    review_store.flag_outputs(db, production.flagged[count : count + 5])
    reps = max(3, scale.reps // 3)
    now, then = _paired(
        partial(mt.review_flagged_outputs, rank="ochiai"),
        partial(mt.review_flagged_outputs, rank="ochiai", as_of=moment),
        reps,
        warmup=1,
    )
    report.add(_ratio("as of", f"review as of a time, {count:,} flagged", then, now, flagged=count))
