"""Turns a ``Report`` into the Markdown table, the JSON file and the PNG plots."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

from mltrace_graph.bench.suite import Report, Result


def machine_facts(neo4j_version: str) -> dict[str, Any]:
    import neo4j

    with open("/proc/meminfo") as meminfo:
        total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line for line in cpuinfo if line.startswith("model name")).split(":")[1]
    except (OSError, StopIteration):
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": model.strip(),
        "memory_gib": round(total_kb / 2**20, 1),
        "python": platform.python_version(),
        "neo4j_server": neo4j_version,
        "neo4j_driver": neo4j.__version__,
        "platform": platform.platform(),
    }


def _fmt(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def _verdict(row: Result) -> str:
    return "" if row.met is None else ("met" if row.met else "**missed**")


def markdown(report: Report) -> str:
    lines = [
        f"Scale `{report.scale}`; machine: {report.facts.get('cores')} cores, "
        f"{report.facts.get('memory_gib')} GiB, Python {report.facts.get('python')}, "
        f"Neo4j {report.facts.get('neo4j_server')}, driver {report.facts.get('neo4j_driver')}.",
        "",
        "| area | what | p50 ms | p95 ms | rate | value | target | |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for row in report.results:
        rate = f"{row.rate:,.0f} {row.rate_unit}" if row.rate is not None else ""
        value = f"{row.value:,.1f} {row.unit}" if row.value is not None else ""
        lines.append(
            f"| {row.area} | {row.what} | {_fmt(row.p50_ms)} | {_fmt(row.p95_ms)} | "
            f"{rate} | {value} | {row.target} | {_verdict(row)} |"
        )
    return "\n".join(lines) + "\n"


def plots(report: Report, directory: Path) -> list[Path]:
    """Latency against chain depth and against database size (PNG); needs matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    written = []
    for key, title, filename in (
        ("depth", "backtrace latency against chain depth", "backtrace-by-depth.png"),
        ("size", "depth-10 backtrace against database size (runs)", "backtrace-by-size.png"),
    ):
        points: list[tuple[float, float, float]] = sorted(
            (float(r.params[key]), r.p50_ms or 0.0, r.p95_ms or 0.0)
            for r in report.results
            if key in r.params and r.area == "backtrace" and r.p50_ms is not None
        )
        if not points:
            continue
        figure, axis = plt.subplots(figsize=(6, 4))
        xs = [p[0] for p in points]
        axis.plot(xs, [p[1] for p in points], marker="o", label="p50")
        axis.plot(xs, [p[2] for p in points], marker="x", linestyle="--", label="p95")
        axis.set_xscale("log")
        axis.set_xlabel(key)
        axis.set_ylabel("ms")
        axis.set_title(title)
        axis.grid(True, alpha=0.3)
        axis.legend()
        figure.tight_layout()
        path = directory / filename
        figure.savefig(path, dpi=110)
        plt.close(figure)
        written.append(path)
    return written
