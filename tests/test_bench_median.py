"""Combining several benchmark runs into one table of medians, with verdicts taken again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mltrace_graph.bench import median
from mltrace_graph.bench.suite import Result


def _report(p50: float, rate: float, value: float) -> dict[str, Any]:
    rows = [
        Result("backtrace", "depth 1000", p50_ms=p50, p95_ms=p50 * 2, target="p50 <= 50 ms"),
        Result("logging", "batch", rate=rate, rate_unit="runs/s", target=">= 5,000 runs/s"),
        Result(
            "logging",
            "single",
            p50_ms=p50 / 10,
            rate=rate / 10,
            rate_unit="runs/s",
            target="p50 <= 3 ms; >= 300 runs/s",
        ),
        Result("memory", "server", value=value, unit="MiB", target="<= 300 MiB per worker"),
        Result("history", "no target", p50_ms=p50),
    ]
    return {
        "scale": "default",
        "facts": {"cores": 2},
        "results": [vars(row) for row in rows],
    }


def test_each_number_is_the_median_of_its_row_and_the_verdict_is_taken_again() -> None:
    combined = median.combine(
        [_report(40, 6000, 100), _report(90, 1000, 400), _report(45, 5500, 500)]
    )
    depth, batch, single, memory, plain = combined.results
    assert (depth.p50_ms, depth.p95_ms, depth.met) == (45, 90, True)
    assert (batch.rate, batch.met) == (5500, True)
    assert (single.p50_ms, single.rate, single.met) == (4.5, 550, False)  # 4.5 ms > 3 ms
    assert (memory.value, memory.met) == (400, False)
    assert plain.met is None
    assert combined.facts["runs"] == 3


def test_reports_of_different_scales_or_rows_are_refused() -> None:
    other = _report(1, 1, 1) | {"scale": "medium"}
    with pytest.raises(ValueError, match="different scales"):
        median.combine([_report(1, 1, 1), other])
    shorter = _report(1, 1, 1)
    shorter["results"].pop()
    with pytest.raises(ValueError, match="different rows"):
        median.combine([_report(1, 1, 1), shorter])


def test_the_command_prints_the_median_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = []
    for i, p50 in enumerate((30, 60, 70)):
        path = tmp_path / f"run{i}.json"
        path.write_text(json.dumps(_report(p50, 5000, 100)))
        paths.append(str(path))
    assert median.main(paths) == 0
    out = capsys.readouterr().out
    assert "Medians of 3 runs." in out
    assert "| backtrace | depth 1000 | 60.00 | 120.00 |" in out
    assert "**missed**" in out  # 60 ms > 50 ms


def test_an_unreadable_report_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert median.main([str(tmp_path / "missing.json")]) == 1
    assert "missing.json" in capsys.readouterr().err


def test_the_web_app_row_names_the_median_first_draw() -> None:
    reports = []
    for draw, total in ((2400, 2900), (2800, 3400), (2100, 2600)):
        row = Result(
            "web app",
            f"2,001-node trace drawn (first draw {draw} ms)",
            value=total,
            unit="ms",
            target="<= 3,000 ms",
            params={"first_draw_ms": draw},
        )
        reports.append({"scale": "default", "facts": {}, "results": [vars(row)]})
    [web] = median.combine(reports).results
    assert web.what == "2,001-node trace drawn (first draw 2400 ms)"
    assert (web.value, web.met) == (2900, True)
