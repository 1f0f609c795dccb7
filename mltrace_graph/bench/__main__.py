"""``python -m mltrace_graph.bench --scale default``: the benchmark suite end to end.

It never touches your data: a dedicated Neo4j is started for it under
``<out>/neo4j-home`` on a free port, wiped at the start, and stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

import mltrace_graph as mt
from mltrace_graph import config, launcher
from mltrace_graph.bench import as_of_rows, suite
from mltrace_graph.bench import report as reporting
from mltrace_graph.client.session import default_client
from mltrace_graph.store import migrations
from mltrace_graph.store.connection import Database, close_drivers


def run(
    scale: suite.Scale, db: Database, echo: suite.Echo, server_env: dict[str, str]
) -> suite.Report:
    """All measurements at one scale against ``db`` (which is emptied first)."""
    report = suite.Report(scale=scale.name)
    # Workloads re-run components on purpose; thousands of stale warnings would drown the
    # progress lines.
    warnings.simplefilter("ignore", mt.StaleRunWarning)
    mt.clean_db()
    migrations.upgrade(db)
    echo("logging ...")
    suite.measure_logging(report, scale)
    suite.measure_decorator(report, scale)
    echo("backtraces ...")
    outputs = suite.measure_backtraces(report, scale, echo)
    echo("database sizes ...")
    production = suite.measure_at_sizes(report, scale, db, outputs[min(outputs)], echo)
    echo("review ...")
    suite.measure_review(report, scale, db, production)
    as_of_rows.measure_as_of(report, scale, db, production)
    echo("impact, history, search ...")
    suite.measure_reads(report, scale)
    echo("server ...")
    suite.measure_server(report, scale, outputs[max(outputs)], server_env)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mltrace_graph.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scale", choices=sorted(suite.SCALES), default="default")
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    args = parser.parse_args(argv)
    scale = suite.SCALES[args.scale]
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    home = out / "neo4j-home"
    shutil.rmtree(home, ignore_errors=True)
    large = scale.sizes[-1] > 100_000
    cfg = launcher.LauncherConfig(
        home=home,
        cache=config.cache_dir(),
        port=0,
        heap="2g" if large else "1g",
        pagecache_mb=2048 if large else 512,
    )
    for key in ("MLTRACE_NEO4J_PASSWORD", "NEO4J_PASSWORD"):
        os.environ.pop(key, None)
    state = launcher.start(cfg, echo=print)
    try:
        password = config.local_password(cfg.home) or ""
        env = {
            "MLTRACE_NEO4J_URI": str(state.uri),
            "MLTRACE_NEO4J_PASSWORD": password,
            "MLTRACE_HOME": str(out / "client-home"),
        }
        os.environ.update(env)
        default_client().reset()
        db = Database()
        started = time.monotonic()
        result = run(scale, db, print, env)
        result.facts = reporting.machine_facts(launcher.NEO4J_VERSION)
        result.facts["elapsed_s"] = round(time.monotonic() - started)
        result.facts["command"] = f"make bench SCALE={scale.name}"
    finally:
        close_drivers()
        launcher.stop(cfg)
    table = reporting.markdown(result)
    (out / f"results-{scale.name}.md").write_text(table)
    (out / f"results-{scale.name}.json").write_text(result.to_json())
    pictures = reporting.plots(result, out)
    print()
    print(table)
    print(
        f"written: {out}/results-{scale.name}.md, .json" + "".join(f", {p.name}" for p in pictures)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
