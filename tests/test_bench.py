"""The benchmark suite at tiny scale, so that ``make bench`` cannot rot (no time is asserted)."""

from __future__ import annotations

import os
from pathlib import Path

from mltrace_graph.bench import report as reporting
from mltrace_graph.bench import suite
from mltrace_graph.bench.__main__ import run
from mltrace_graph.store.connection import Database


def test_tiny_benchmark_measures_every_area_and_writes_its_report(
    db: Database, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k.startswith("MLTRACE_")}
    result = run(suite.SCALES["tiny"], db, lambda _: None, env)

    areas = {row.area for row in result.results}
    assert areas == {
        "logging",
        "backtrace",
        "review",
        "impact",
        "history",
        "search",
        "diff",
        "staleness",
        "server",
        "metrics",
        "memory",
        "web app",
    }
    [webapp] = [row for row in result.results if row.area == "web app"]
    if webapp.value is not None:  # measured when webapp/ is built and chromium is there
        assert webapp.params["nodes"] == 61
    else:
        assert "not measured" in webapp.what
    timed = [row for row in result.results if row.p50_ms is not None]
    assert all(row.p50_ms is not None and row.p50_ms >= 0 for row in timed)
    depths = sorted(row.params["depth"] for row in result.results if "depth" in row.params)
    assert depths == [10, 30]
    [scrape] = [row for row in result.results if row.area == "metrics"]
    assert scrape.p50_ms is not None and scrape.target == "p50 <= 50 ms"
    [server] = [row for row in result.results if row.area == "server"]
    # The depth-30 chain: 30 runs and 31 pointers (its source and 30 outputs).
    assert server.params["nodes"] == 61
    reviews = [row.what for row in result.results if row.area == "review"]
    assert reviews == [
        "coverage, 5 flagged outputs",
        "ochiai, 5 flagged outputs",
        "coverage, 10 flagged outputs",
        "ochiai, 10 flagged outputs",
    ]
    stale_rows = [row.what for row in result.results if row.area == "staleness"]
    assert stale_rows == [
        "staleness + plan of a depth-30 output",
        "staleness of a depth-10 output with 300 runs in the database",
    ]
    runs = db.read("MATCH (r:ComponentRun) RETURN count(r) AS n")[0]["n"]
    assert runs >= suite.SCALES["tiny"].sizes[0]

    table = reporting.markdown(result)
    assert table.count("\n| ") == len(result.results) + 1
    pictures = reporting.plots(result, tmp_path)
    assert sorted(p.name for p in pictures) == ["backtrace-by-depth.png", "backtrace-by-size.png"]
    assert all(p.stat().st_size > 1000 for p in pictures)
