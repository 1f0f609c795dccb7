"""``python -m mltrace_graph.bench.median a.json b.json c.json``: one table of medians.

The machines are shared and noisy, so the README quotes the median of several
``make bench`` runs rather than any one of them. Rows are matched by position (the same
scale always measures the same rows in the same order); each number is the median of
that row's numbers, and the verdict is taken again against the row's target.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from pathlib import Path
from typing import Any

from mltrace_graph.bench.report import markdown
from mltrace_graph.bench.suite import Report, Result


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def combine(reports: list[dict[str, Any]]) -> Report:
    """The row-by-row median of reports of one scale."""
    scales = {r["scale"] for r in reports}
    if len(scales) != 1:
        raise ValueError(f"reports of different scales cannot be combined: {sorted(scales)}")
    lengths = {len(r["results"]) for r in reports}
    if len(lengths) != 1:
        raise ValueError(f"reports have different rows ({sorted(lengths)}); rerun them alike")
    combined = Report(scale=reports[0]["scale"], facts=dict(reports[0]["facts"]))
    combined.facts["runs"] = len(reports)
    for rows in zip(*(r["results"] for r in reports), strict=True):
        first = rows[0]
        if any(row["area"] != first["area"] for row in rows):
            raise ValueError(f"row mismatch: {[row['area'] for row in rows]}")
        result = Result(
            area=first["area"],
            what=first["what"],
            p50_ms=_median([row["p50_ms"] for row in rows]),
            p95_ms=_median([row["p95_ms"] for row in rows]),
            rate=_median([row["rate"] for row in rows]),
            rate_unit=first["rate_unit"],
            value=_median([row["value"] for row in rows]),
            unit=first["unit"],
            target=first["target"],
            params=first["params"],
        )
        draws = [row["params"].get("first_draw_ms") for row in rows]
        if all(isinstance(d, int | float) for d in draws):  # the web app row names its own
            middle = statistics.median(d for d in draws if d is not None)
            result.what = re.sub(r"first draw \d+ ms", f"first draw {middle:.0f} ms", first["what"])
        combined.add(result)  # takes the verdict again, from the medians
    return combined


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mltrace_graph.bench.median",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("reports", nargs="+", type=Path, help="results-<scale>.json files")
    args = parser.parse_args(argv)
    try:
        reports = [json.loads(path.read_text()) for path in args.reports]
        combined = combine(reports)
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Medians of {len(reports)} runs.\n")
    print(markdown(combined))
    return 0


if __name__ == "__main__":
    sys.exit(main())
