"""The rows of ``make bench`` replayed against the ORIGINAL mltrace (PyPI ``mltrace``).

Run by ``make bench-original`` inside its own virtualenv (``.venv-mltrace``), which has the
original package and its dependencies but not ours, against a throwaway PostgreSQL. So this
file imports only ``mltrace`` and the standard library; nothing in mltrace_graph imports it,
and the test suite never collects it.

What it measures, at the sizes of ``make bench`` (scale ``default``):

- ``log_component_run`` of a run with 2 inputs and 2 outputs chained to the previous one,
  after a warm-up: p50, p95, runs/s.
- ``backtrace`` of the last output of chains of depth 10, 100 and 1,000, each in a child
  process with a time cap (a call that hits Python's recursion limit or the cap is reported
  as such, not hidden), plus the same trace at the store level (``Store.trace``, without
  the client's conversion to entities) to show where the time goes.
- ``review_flagged_outputs`` with 100 and 1,000 flagged outputs over a production-like
  history built like ``workloads.Production`` (same pipeline, names, seed and flag rule).
- Statement, connection and commit counts of one call of each, from SQLAlchemy's events.

The chains and the history are loaded through mltrace's own ORM models in one session,
because mltrace has no batch API and its per-run path costs about 0.1 s; ``--check-loader``
(on by default, small) logs a slice of the same workload through ``log_component_run`` too
and checks that both give the same runs, pointers and dependencies.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import mltrace

EPOCH = datetime(2025, 1, 1)  # naive: mltrace stores timestamps without a zone
DEFAULT_RECURSION_LIMIT = sys.getrecursionlimit()


# --------------------------------------------------------------------------- compatibility


def restore_method_binding() -> bool:
    """Works around mltrace 0.17 on Python >= 3.11; returns whether it was needed.

    ``mltrace.entities.base.Base.__getattribute__`` passes every attribute it returns through
    that attribute's ``__get__``. Up to Python 3.10 a bound method's ``__get__`` gave the same
    method back; since 3.11 (CPython PR #31367, discussed in issue #113157) it re-binds the
    underlying function to the object passed. So ``self._properties()``, a classmethod, runs
    with ``cls`` set to the instance, finds no properties in the instance's ``__dict__``, and
    ``to_dictionary()`` returns ``{}``: ``log_component_run`` then fails with
    ``KeyError: 'start_timestamp'``. The patch, applied to the loaded class only when the
    fault shows, returns bound methods unchanged, as Python 3.10 did.
    """
    from mltrace.entities import base as entity_base

    probe = mltrace.ComponentRun("probe")
    if "start_timestamp" in probe.to_dictionary():
        return False
    original = entity_base.Base.__getattribute__

    def getattribute(self: object, attr: str) -> Any:
        value = object.__getattribute__(self, attr)
        if isinstance(value, types.MethodType):
            return value
        return original(self, attr)

    entity_base.Base.__getattribute__ = getattribute
    if "start_timestamp" not in mltrace.ComponentRun("probe").to_dictionary():
        raise RuntimeError("the Python 3.11 workaround did not take effect")
    return True


# ----------------------------------------------------------------------------- workloads


@dataclass(frozen=True)
class Spec:
    """One run to log: component, start, inputs, outputs (name, is_endpoint)."""

    component: str
    start: datetime
    inputs: tuple[str, ...]
    outputs: tuple[tuple[str, bool], ...]
    seconds: float = 1.0

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.seconds)


def to_entity(spec: Spec) -> Any:
    """The client-side ``mltrace.ComponentRun`` for a spec, as a user would build it."""
    run = mltrace.ComponentRun(spec.component)
    run.set_start_timestamp(spec.start)
    run.set_end_timestamp(spec.end)
    run.add_inputs(list(spec.inputs))
    for name, endpoint in spec.outputs:
        if endpoint:
            pointer_type = mltrace.db.PointerTypeEnum.ENDPOINT
            run.add_output(mltrace.IOPointer(name, pointer_type=pointer_type))
        else:
            run.add_output(name)
    return run


def two_by_two(i: int) -> Any:
    """As ``suite._two_by_two``: 2 inputs, 2 outputs, chained to run ``i - 1``."""
    run = mltrace.ComponentRun("bench-log")
    run.set_start_timestamp()
    run.add_inputs([f"bench-log-a-{i - 1}", f"bench-log-b-{i - 1}"])
    run.add_outputs([f"bench-log-a-{i}", f"bench-log-b-{i}"])
    run.set_end_timestamp()
    return run


def chain(depth: int, prefix: str) -> list[Spec]:
    """As ``workloads.chain``: each run consumes the previous run's output."""
    runs = []
    for i in range(depth):
        source = f"{prefix}-out-{i - 1}" if i else f"{prefix}-source"
        runs.append(
            Spec(
                f"{prefix}-step-{i % 50}",
                EPOCH + timedelta(minutes=i),
                (source,),
                ((f"{prefix}-out-{i}", False),),
            )
        )
    return runs


@dataclass
class Production:
    """As ``workloads.Production``: ingest, clean, featuregen, train or train-eval, inference.

    Same names, timestamps, retraining every 7 cycles, 20 ENDPOINT predictions per inference
    and the same seeded 5% of them flagged, in the same order.
    """

    cycles: int
    predictions: int = 20
    retrain_every: int = 7
    flagged_fraction: float = 0.05
    seed: int = 7
    flagged: list[str] = field(default_factory=list)

    def runs(self) -> Iterator[Spec]:
        rng = random.Random(self.seed)
        model = "model-0.joblib"
        for cycle in range(self.cycles):
            start = EPOCH + timedelta(hours=cycle)
            raw, clean, feats = (
                f"raw-{cycle}.csv",
                f"clean-{cycle}.csv",
                f"features-{cycle}.parquet",
            )
            yield Spec("ingest", start, (), ((raw, False),))
            yield Spec("clean", start + timedelta(minutes=5), (raw,), ((clean, False),))
            yield Spec("featuregen", start + timedelta(minutes=10), (clean,), ((feats, False),))
            if cycle % self.retrain_every == 0:
                model = f"model-{cycle}.joblib"
                yield Spec("train", start + timedelta(minutes=15), (feats,), ((model, False),))
            else:
                yield Spec(
                    "train-eval",
                    start + timedelta(minutes=15),
                    (feats, model),
                    ((f"eval-{cycle}.json", False),),
                )
            predictions = []
            for p in range(self.predictions):
                name = f"pred-{cycle}-{p}"
                predictions.append((name, True))
                if rng.random() < self.flagged_fraction:
                    self.flagged.append(name)
            yield Spec(
                "inference", start + timedelta(minutes=20), (feats, model), tuple(predictions)
            )


# ------------------------------------------------------------------------------- loading


def log_one_by_one(specs: list[Spec]) -> None:
    """Logs through the public API, one ``log_component_run`` per run."""
    for name in dict.fromkeys(spec.component for spec in specs):
        mltrace.create_component(name, "", "")
    for spec in specs:
        mltrace.log_component_run(to_entity(spec))


class OrmLoader:
    """Writes runs with mltrace's own ORM models in one session, as log_component_run would.

    Dependencies follow ``Store.set_dependencies_from_inputs``: for each input, the most
    recently logged run that wrote a pointer of that name. Staleness messages are not
    computed (neither a trace nor a review reads them).
    """

    def __init__(self, uri: str) -> None:
        self.store = mltrace.db.Store(uri)
        self.session = self.store.Session(expire_on_commit=False)
        self.pointers: dict[tuple[str, bytes], Any] = {}
        self.last_writer: dict[str, Any] = {}
        self.components: set[str] = set()

    def _pointer(self, entity: Any) -> Any:
        """The row for a client-side pointer, built as ``Store.get_io_pointer`` builds it.

        Note what the client does with a plain name: ``ComponentRun.add_input(name)`` passes
        the inferred type positionally into ``IOPointer``'s *value* slot, so such pointers
        are stored with type UNKNOWN and the hash of that enum as their value. Going through
        the client's own entities keeps this loader faithful to that.
        """
        db = mltrace.db
        value = importlib.import_module("mltrace.db.utils")._hash_value(entity.value)
        key = (entity.name, value)
        pointer = self.pointers.get(key)
        if pointer is None:
            kind = entity.pointer_type
            if kind is None:
                kind = importlib.import_module("mltrace.db.utils")._map_extension_to_enum(
                    entity.name
                )
            pointer = db.IOPointer(name=entity.name, value=value, pointer_type=kind)
            self.pointers[key] = pointer
        return pointer

    def load(self, specs: Iterator[Spec] | list[Spec], commit_every: int = 1000) -> int:
        count = 0
        for spec in specs:
            if spec.component not in self.components:
                self.store.create_component(spec.component, "", "")
                self.components.add(spec.component)
            entity = to_entity(spec)
            run = mltrace.db.ComponentRun(component_name=spec.component)
            run.set_start_timestamp(entity.start_timestamp)
            run.set_end_timestamp(entity.end_timestamp)
            run.inputs = [self._pointer(p) for p in entity.inputs]
            run.outputs = [self._pointer(p) for p in entity.outputs]
            # Store.set_dependencies_from_inputs: per input name, the latest run writing it.
            upstream = [
                self.last_writer[p.name] for p in entity.inputs if p.name in self.last_writer
            ]
            run.dependencies = list({id(r): r for r in upstream}.values())
            self.session.add(run)
            for p in entity.outputs:
                self.last_writer[p.name] = run
            count += 1
            if count % commit_every == 0:
                self.session.commit()
        self.session.commit()
        return count

    def close(self) -> None:
        self.session.close()


def fingerprint(uri: str) -> dict[str, Any]:
    """Runs keyed by (component, start) with their pointers and dependencies, from the db."""
    store = mltrace.db.Store(uri)
    runs = {}
    for run in store.session.query(mltrace.db.ComponentRun).all():
        key = f"{run.component_name}@{run.start_timestamp.isoformat()}"
        runs[key] = {
            "inputs": sorted(p.name for p in run.inputs),
            "outputs": sorted((p.name, p.pointer_type.value) for p in run.outputs),
            "dependencies": sorted(
                f"{d.component_name}@{d.start_timestamp.isoformat()}" for d in run.dependencies
            ),
        }
    pointers = sorted(
        (p.name, p.pointer_type.value, bytes(p.value))
        for p in store.session.query(mltrace.db.IOPointer).all()
    )
    store.session.close()
    return {"runs": runs, "pointers": [list(map(str, p)) for p in pointers]}


def check_loader(uri: str, cycles: int) -> dict[str, Any]:
    """Loads the same small workload both ways and compares what ends up in the db."""
    specs = [*chain(12, "check-chain"), *Production(cycles=cycles).runs()]
    mltrace.clean_db()
    started = time.perf_counter()
    log_one_by_one(specs)
    api_seconds = time.perf_counter() - started
    by_api = fingerprint(uri)
    mltrace.clean_db()
    loader = OrmLoader(uri)
    started = time.perf_counter()
    loader.load(specs)
    orm_seconds = time.perf_counter() - started
    loader.close()
    by_orm = fingerprint(uri)
    mltrace.clean_db()
    same = by_api == by_orm
    if not same:
        diff = [k for k in by_api["runs"] if by_api["runs"][k] != by_orm["runs"].get(k)]
        raise RuntimeError(f"the ORM loader differs from log_component_run on {diff[:5]}")
    return {
        "runs": len(specs),
        "identical": same,
        "log_component_run_runs_per_s": len(specs) / api_seconds,
        "orm_loader_runs_per_s": len(specs) / orm_seconds,
    }


# -------------------------------------------------------------------------------- timing


@dataclass
class Row:
    area: str
    what: str
    p50_ms: float | None = None
    p95_ms: float | None = None
    n: int = 0
    rate: float | None = None
    rate_unit: str = ""
    note: str = ""
    params: dict[str, Any] = field(default_factory=dict)


def p95(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed_row(area: str, what: str, seconds: list[float], **params: Any) -> Row:
    return Row(
        area,
        what,
        p50_ms=statistics.median(seconds) * 1000,
        p95_ms=p95(seconds) * 1000,
        n=len(seconds),
        params=params,
    )


def repeat(
    call: Callable[[], Any], times: int, warmup: int = 0, budget_s: float | None = None
) -> list[float]:
    """``warmup`` untimed calls, then up to ``times`` timed ones, stopping after the budget."""
    for _ in range(warmup):
        call()
    deadline = time.monotonic() + budget_s if budget_s else float("inf")
    seconds: list[float] = []
    while len(seconds) < times:
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
        if time.monotonic() > deadline:
            break
    return seconds


# ---------------------------------------------------------------------------- measuring


def measure_logging(rows: list[Row], warmup: int, count: int) -> None:
    mltrace.create_component("bench-log", "", "")
    counter = iter(range(1, 10**9))
    seconds = repeat(lambda: mltrace.log_component_run(two_by_two(next(counter))), count, warmup)
    row = timed_row("logging", "log_component_run, 2 inputs + 2 outputs", seconds)
    row.rate, row.rate_unit = len(seconds) / sum(seconds), "runs/s"
    row.note = f"after {warmup} unmeasured logs"
    rows.append(row)


def measure_store_setup(rows: list[Row], uri: str, count: int) -> None:
    """What every API call pays before its first query: a new engine, create_all, a session."""

    def make() -> None:
        store = mltrace.db.Store(uri)
        store.session.close()
        store.engine.dispose()

    seconds = repeat(make, count, warmup=2)
    row = timed_row("diagnostic", "Store(uri): engine + create_all + session", seconds)
    row.note = "log_component_run makes two (its own and create_component's); backtrace one"
    rows.append(row)


def trace_in_child(
    args: argparse.Namespace,
    output: str,
    level: str,
    reps: int,
    warmup: int,
    recursion_limit: int,
    cap_s: float,
) -> dict[str, Any]:
    """Runs ``--trace-child`` in a fresh interpreter: a hard time cap, and a crash is a row."""
    command = [
        sys.executable,
        __file__,
        "--db-uri",
        args.db_uri,
        "--trace-child",
        output,
        "--trace-level",
        level,
        "--trace-reps",
        str(reps),
        "--trace-warmup",
        str(warmup),
        "--trace-budget",
        str(cap_s / 2),
        "--recursion-limit",
        str(recursion_limit),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=cap_s, check=False)
    except subprocess.TimeoutExpired:
        return {"timeout_s": cap_s}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return {"error": tail[:200], "returncode": done.returncode}
    return dict(json.loads(lines[-1]))


def trace_child(args: argparse.Namespace) -> None:
    """The child side: trace one output ``--trace-reps`` times, print JSON on one line."""
    sys.setrecursionlimit(args.recursion_limit)
    if args.trace_level == "store":
        store = mltrace.db.Store(args.db_uri)

        def call() -> int:
            # A fresh session each time, as each client call has, but no new engine.
            store.session.close()
            store.session = store.Session()
            return len(store.trace(args.trace_child))

    else:

        def call() -> int:
            return len(mltrace.backtrace(args.trace_child))

    runs = [0]

    def counted() -> None:
        runs[0] = call()

    try:
        seconds = repeat(counted, args.trace_reps, args.trace_warmup, args.trace_budget)
    except RecursionError as exc:
        print(json.dumps({"error": f"RecursionError: {exc}"}))
        return
    print(json.dumps({"seconds": seconds, "runs": runs[0]}))


def measure_backtraces(rows: list[Row], args: argparse.Namespace, uri: str) -> None:
    outputs = {}
    loader = OrmLoader(uri)
    for depth in args.depths:
        specs = chain(depth, prefix=f"chain{depth}")
        loader.load(specs)
        outputs[depth] = specs[-1].outputs[0][0]
    loader.close()
    for level, label in (("api", "backtrace"), ("store", "Store.trace (no client conversion)")):
        area = "backtrace" if level == "api" else "diagnostic"
        for depth, output in outputs.items():
            reps, warmup = (args.reps, 2) if depth <= 100 else (args.deep_reps, 0)
            cap = args.trace_cap_s if depth <= 100 else args.deep_cap_s
            what = f"{label}, chain of depth {depth}"
            measured = trace_in_child(
                args, output, level, reps, warmup, DEFAULT_RECURSION_LIMIT, cap
            )
            if "error" in measured and "RecursionError" in measured["error"]:
                rows.append(
                    Row(
                        area,
                        f"{what}: fails at Python's default recursion limit "
                        f"({DEFAULT_RECURSION_LIMIT})",
                        note=measured["error"][:120],
                        params={"depth": depth, "level": level, "failed": "RecursionError"},
                    )
                )
                measured = trace_in_child(
                    args, output, level, reps, warmup, args.raised_recursion_limit, cap
                )
                what += f" (recursion limit raised to {args.raised_recursion_limit:,})"
            if measured.get("seconds"):
                row = timed_row(area, what, measured["seconds"], depth=depth, level=level)
                row.note = f"{measured['runs']} runs in the trace" if measured["runs"] else ""
                rows.append(row)
            elif "timeout_s" in measured:
                rows.append(
                    Row(
                        area,
                        f"{what}: not finished within {measured['timeout_s']:.0f} s",
                        p50_ms=None,
                        note=f"> {measured['timeout_s']:.0f} s for one call",
                        params={"depth": depth, "level": level, "timeout_s": measured["timeout_s"]},
                    )
                )
            else:
                rows.append(
                    Row(
                        area,
                        f"{what}: failed",
                        note=str(measured.get("error", measured))[:160],
                        params={"depth": depth, "level": level},
                    )
                )
            echo(f"  {rows[-1].what}: {fmt(rows[-1].p50_ms)} ms {rows[-1].note}")


def flag(uri: str, names: list[str]) -> None:
    """Flags ``names`` in one statement (not timed; ``flag_output_id`` does one at a time)."""
    store = mltrace.db.Store(uri)
    pointer = mltrace.db.IOPointer
    store.session.query(pointer).filter(pointer.name.in_(names)).update(
        {"flag": True}, synchronize_session=False
    )
    store.session.commit()
    store.session.close()


def measure_review(rows: list[Row], args: argparse.Namespace, uri: str) -> Production:
    production = Production(cycles=args.cycles)
    loader = OrmLoader(uri)
    started = time.perf_counter()
    loaded = loader.load(production.runs())
    loader.close()
    echo(f"  production history: {loaded:,} runs in {time.perf_counter() - started:.0f} s")
    for count in args.flagged:
        names = production.flagged[:count]
        if len(names) < count:
            rows.append(Row("review", f"{count:,} flagged outputs: history has too few"))
            continue
        mltrace.unflag_all()
        flag(uri, names)
        reps = args.review_reps if count <= 100 else args.big_review_reps
        seconds = repeat(
            mltrace.review_flagged_outputs, reps, warmup=1, budget_s=args.review_budget_s
        )
        flagged, counts = mltrace.review_flagged_outputs()
        if len(flagged) != count:
            raise RuntimeError(f"review saw {len(flagged)} flagged outputs, expected {count}")
        row = timed_row(
            "review",
            f"review_flagged_outputs, {count:,} flagged outputs",
            seconds,
            flagged=count,
            history_runs=loaded,
        )
        row.note = f"{len(counts)} runs ranked; over {loaded:,} production runs"
        rows.append(row)
        echo(f"  {row.what}: {fmt(row.p50_ms)} ms (n={row.n})")
    return production


def count_round_trips(
    rows: list[Row], uri: str, probe_trace: str, review_flagged: list[str]
) -> dict[str, dict[str, int]]:
    """Statements, new connections and commits of one call each, from SQLAlchemy's events.

    SQLAlchemy is mltrace's own dependency; it is reached by name here only to listen.
    """
    event = importlib.import_module("sqlalchemy.event")
    engine_cls = importlib.import_module("sqlalchemy.engine").Engine
    pool_cls = importlib.import_module("sqlalchemy.pool").Pool
    counts = {"statements": 0, "of them schema checks": 0, "connections": 0, "commits": 0}

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        counts["statements"] += 1
        if "pg_catalog" in statement or "information_schema" in statement:
            counts["of them schema checks"] += 1

    def on_connect(*_: Any) -> None:
        counts["connections"] += 1

    def on_commit(*_: Any) -> None:
        counts["commits"] += 1

    event.listen(engine_cls, "before_cursor_execute", on_statement)
    event.listen(pool_cls, "connect", on_connect)
    event.listen(engine_cls, "commit", on_commit)

    def measure(call: Callable[[], Any]) -> dict[str, int]:
        for key in counts:
            counts[key] = 0
        call()
        return dict(counts)

    mltrace.unflag_all()
    flag(uri, review_flagged)
    mltrace.log_component_run(two_by_two(10**8))  # so that the next one's inputs exist
    result = {
        "log_component_run (2 in, 2 out)": measure(
            lambda: mltrace.log_component_run(two_by_two(10**8 + 1))
        ),
        "backtrace, chain of depth 10": measure(lambda: mltrace.backtrace(probe_trace)),
        f"review_flagged_outputs, {len(review_flagged)} flagged": measure(
            mltrace.review_flagged_outputs
        ),
    }
    for what, measured in result.items():
        rows.append(
            Row(
                "diagnostic",
                f"round trips of one {what}",
                note=", ".join(f"{v} {k}" for k, v in measured.items()),
                params=measured,
            )
        )
    return result


# ------------------------------------------------------------------------------ reporting


def echo(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fmt(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def markdown(rows: list[Row], facts: dict[str, Any]) -> str:
    lines = [
        f"Original mltrace {facts['mltrace']} (SQLAlchemy {facts['sqlalchemy']}, "
        f"{facts['postgres']}), Python {facts['python']}, {facts['cores']} cores; "
        f"production history {facts['history_runs']:,} runs; "
        f"Python 3.11 workaround applied: {facts['py311_workaround']}.",
        "",
        "| area | what | p50 ms | p95 ms | n | rate | note |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        rate = f"{row.rate:,.1f} {row.rate_unit}" if row.rate is not None else ""
        lines.append(
            f"| {row.area} | {row.what} | {fmt(row.p50_ms)} | {fmt(row.p95_ms)} | "
            f"{row.n or ''} | {rate} | {row.note} |"
        )
    return "\n".join(lines) + "\n"


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db-uri", required=True, help="postgresql://... of a scratch database")
    parser.add_argument("--out", type=Path, help="writes OUT.md and OUT.json")
    parser.add_argument("--postgres-version", default="PostgreSQL")
    parser.add_argument("--log-warmup", type=int, default=100)
    parser.add_argument("--log-count", type=int, default=300)
    parser.add_argument("--depths", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--reps", type=int, default=15, help="traces per depth <= 100")
    parser.add_argument("--deep-reps", type=int, default=1, help="traces of depth > 100")
    parser.add_argument("--trace-cap-s", type=float, default=120.0)
    parser.add_argument("--deep-cap-s", type=float, default=300.0)
    parser.add_argument("--raised-recursion-limit", type=int, default=100_000)
    parser.add_argument("--cycles", type=int, default=2000, help="5 runs each; 2,000 = 10k")
    parser.add_argument("--flagged", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--review-reps", type=int, default=5)
    parser.add_argument("--big-review-reps", type=int, default=3)
    parser.add_argument("--review-budget-s", type=float, default=90.0)
    parser.add_argument("--check-cycles", type=int, default=20, help="0 skips the check")
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=["logging", "backtrace", "review"],
        default=["logging", "backtrace", "review"],
        help="measure only these (the round-trip counts need all three)",
    )
    # the child process of one backtrace measurement
    parser.add_argument("--trace-child", help=argparse.SUPPRESS)
    parser.add_argument("--trace-level", default="api", help=argparse.SUPPRESS)
    parser.add_argument("--trace-reps", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--trace-warmup", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--trace-budget", type=float, default=60.0, help=argparse.SUPPRESS)
    parser.add_argument(
        "--recursion-limit", type=int, default=DEFAULT_RECURSION_LIMIT, help=argparse.SUPPRESS
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    mltrace.set_db_uri(args.db_uri)
    patched = restore_method_binding()
    if args.trace_child:
        trace_child(args)
        return
    uri = args.db_uri
    facts: dict[str, Any] = {
        "mltrace": importlib.metadata.version("mltrace"),
        "sqlalchemy": importlib.metadata.version("SQLAlchemy"),
        "psycopg2": importlib.metadata.version("psycopg2-binary"),
        "python": platform.python_version(),
        "postgres": args.postgres_version,
        "cores": os.cpu_count(),
        "py311_workaround": patched,
        "history_runs": 0,
        "parts": args.parts,
    }
    started = time.monotonic()
    rows: list[Row] = []
    if args.check_cycles:
        echo(f"checking the ORM loader against log_component_run ({args.check_cycles} cycles)")
        facts["loader_check"] = check_loader(uri, args.check_cycles)
        echo(f"  {facts['loader_check']}")
    mltrace.clean_db()
    if "logging" in args.parts:
        echo("logging ...")
        measure_logging(rows, args.log_warmup, args.log_count)
        echo(f"  {rows[-1].what}: {fmt(rows[-1].p50_ms)} ms, {fmt(rows[-1].rate, 1)} runs/s")
        measure_store_setup(rows, uri, 20)
    if "backtrace" in args.parts:
        echo("backtraces ...")
        measure_backtraces(rows, args, uri)
    if "review" in args.parts:
        echo("review ...")
        production = measure_review(rows, args, uri)
        facts["history_runs"], facts["history_cycles"] = args.cycles * 5, args.cycles
        if "backtrace" in args.parts:
            echo("counting round trips ...")
            depth = min(args.depths)
            facts["round_trips"] = count_round_trips(
                rows, uri, f"chain{depth}-out-{depth - 1}", production.flagged[:100]
            )
    facts["elapsed_s"] = round(time.monotonic() - started, 1)
    table = markdown(rows, facts)
    print(table)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.with_suffix(".md").write_text(table)
        args.out.with_suffix(".json").write_text(
            json.dumps({"facts": facts, "results": [asdict(r) for r in rows]}, indent=2) + "\n"
        )
        echo(f"wrote {args.out.with_suffix('.md')} and {args.out.with_suffix('.json')}")


if __name__ == "__main__":
    main()
