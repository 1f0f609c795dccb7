"""Which run a run depends on follows time, whatever order the runs are logged in.

The rule (docs/logging.md, "Which run a run depends on"): for each input, the producer that
had ended by the time the run started, latest by end time (ties: higher id); if none had
ended, the one that started last before it; the same for each component named with
``set_upstream``. ``expected_dependencies`` below is that rule in plain Python, and the
tests compare the graph with it.
"""

from __future__ import annotations

import itertools
import multiprocessing
import random
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mltrace_graph as mltrace
from mltrace_graph import ComponentRun
from mltrace_graph.store import lineage, openlineage, review
from mltrace_graph.store import runs as store_runs
from mltrace_graph.store.connection import Database
from mltrace_graph.wire import encode_run

DAY = datetime(2026, 3, 2, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _quiet() -> Iterator[None]:
    """Re-runs on purpose: the stale warnings they raise are asserted, not printed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mltrace.StaleRunWarning)
        yield


def at(hour: int, minute: int) -> datetime:
    return DAY.replace(hour=hour, minute=minute)


def run(
    name: str,
    start: datetime,
    end: datetime,
    inputs: Sequence[str] = (),
    outputs: Sequence[str] = (),
    upstream: Sequence[str] = (),
) -> ComponentRun:
    made = ComponentRun(
        name, start_timestamp=start, end_timestamp=end, inputs=list(inputs), outputs=list(outputs)
    )
    if upstream:
        made.set_upstream(list(upstream))
    return made


def depends_on(db: Database) -> set[tuple[str, str]]:
    """Every DEPENDS_ON edge as (dependent uid, dependency uid)."""
    rows = db.read(
        "MATCH (r:ComponentRun)-[:DEPENDS_ON]->(d:ComponentRun) RETURN r.uid AS r, d.uid AS d"
    )
    return {(row["r"], row["d"]) for row in rows}


# --- the example of docs/logging.md -------------------------------------------------------


def train_and_infer() -> dict[str, ComponentRun]:
    return {
        "train 09:00": run("train", at(9, 0), at(9, 30), outputs=["model.pkl"]),
        "train 10:05": run("train", at(10, 5), at(10, 6), outputs=["model.pkl"]),
        "infer": run("infer", at(10, 0), at(10, 10), inputs=["model.pkl"], outputs=["preds"]),
    }


ORDERS = list(itertools.permutations(["train 09:00", "train 10:05", "infer"]))


@pytest.mark.parametrize("order", ORDERS, ids=[" then ".join(o) for o in ORDERS])
def test_infer_depends_on_the_training_run_that_had_ended_whatever_the_logging_order(
    db: Database, order: tuple[str, ...]
) -> None:
    runs = train_and_infer()
    for name in order:
        mltrace.log_component_run(runs[name])
    assert depends_on(db) == {(runs["infer"].uid, runs["train 09:00"].uid)}


@pytest.mark.parametrize("order", ORDERS, ids=[" then ".join(o) for o in ORDERS])
def test_rows_of_one_batch_may_name_each_other_in_any_order(
    db: Database, order: tuple[str, ...]
) -> None:
    runs = train_and_infer()
    mltrace.log_component_runs([runs[name] for name in order])
    assert depends_on(db) == {(runs["infer"].uid, runs["train 09:00"].uid)}
    assert runs["infer"].dependency_ids == [runs["train 09:00"].id]


def test_a_producer_logged_after_its_consumer_is_linked(db: Database) -> None:
    clean = run("clean", at(9, 0), at(9, 10), inputs=["raw.csv"], outputs=["clean.csv"])
    mltrace.log_component_run(clean)
    assert clean.dependency_ids == []
    ingest = run("ingest", at(8, 0), at(8, 30), outputs=["raw.csv"])
    mltrace.log_component_run(ingest)
    assert depends_on(db) == {(clean.uid, ingest.uid)}
    assert store_runs.get_runs(db, [clean.id or 0])[0].dependency_ids == [ingest.id]


def test_with_no_producer_ended_the_one_that_started_last_is_taken(db: Database) -> None:
    first = run("train", at(8, 0), at(12, 0), outputs=["model.pkl"])
    second = run("train", at(9, 0), at(11, 0), outputs=["model.pkl"])
    late_start = run("train", at(10, 30), at(10, 40), outputs=["model.pkl"])
    infer = run("infer", at(10, 0), at(10, 5), inputs=["model.pkl"])
    mltrace.log_component_runs([infer, late_start, first, second])
    assert infer.dependency_ids == [second.id]


def test_a_late_producer_relinks_only_the_runs_it_should_have_fed(db: Database) -> None:
    a = run("train", at(9, 0), at(9, 30), outputs=["model.pkl"])
    c = run("train", at(10, 40), at(10, 50), outputs=["model.pkl"])
    before = run("infer", at(9, 40), at(9, 45), inputs=["model.pkl"])
    during = run("infer", at(10, 5), at(10, 6), inputs=["model.pkl"])  # b has not ended
    after = run("infer", at(10, 20), at(10, 25), inputs=["model.pkl"])
    last = run("infer", at(11, 0), at(11, 5), inputs=["model.pkl"])
    mltrace.log_component_runs([a, c, before, during, after, last])
    assert during.stale == []
    b = run("train", at(10, 0), at(10, 10), outputs=["model.pkl"])
    mltrace.log_component_run(b)
    assert depends_on(db) == {
        (before.uid, a.uid),
        (during.uid, a.uid),
        (after.uid, b.uid),  # was a: re-linked
        (last.uid, c.uid),
    }
    # "during" keeps a, and now knows of the fresher b that began before it.
    [stored] = store_runs.get_runs(db, [during.id or 0])
    assert stored.stale == [
        f"train (ID {a.id}) has 1 fresher run(s) that began before this component run started."
    ]


def test_set_upstream_takes_the_run_that_had_ended_and_a_late_one_relinks(db: Database) -> None:
    old = run("labels", at(8, 0), at(8, 10))
    running = run("labels", at(8, 50), at(9, 30))
    audit = run("audit", at(9, 0), at(9, 5), upstream=["labels"])
    mltrace.log_component_runs([audit, running, old])
    assert audit.dependency_ids == [old.id]
    newer = run("labels", at(8, 20), at(8, 40))
    mltrace.log_component_run(newer)
    assert depends_on(db) == {(audit.uid, newer.uid)}


def test_a_late_producer_leaves_runs_logged_without_input_dependencies_alone(
    db: Database,
) -> None:
    clean = run("clean", at(9, 0), at(9, 10), inputs=["raw.csv"])
    mltrace.log_component_run(clean, set_dependencies_from_inputs=False)
    audit = run("audit", at(9, 0), at(9, 10), inputs=["raw.csv"])
    mltrace.log_component_run(audit)
    ingest = run("ingest", at(8, 0), at(8, 30), outputs=["raw.csv"])
    mltrace.log_component_run(ingest)
    assert depends_on(db) == {(audit.uid, ingest.uid)}


# --- reads: backtrace and review ------------------------------------------------------------


def two_producers(db: Database) -> tuple[ComponentRun, ComponentRun]:
    """``long`` starts first and ends last; ``short`` starts later and ends first."""
    source = run("source", at(7, 0), at(7, 5), outputs=["source.csv"])
    long = run("long", at(9, 0), at(11, 0), inputs=["source.csv"], outputs=["good.csv"])
    short = run("short", at(9, 30), at(10, 0), outputs=["good.csv"])
    mltrace.log_component_runs([source, long, short])
    return long, short


def test_backtrace_level_zero_is_the_producer_that_ended_last(db: Database) -> None:
    long, _ = two_producers(db)
    levels = [(level, r.component_name) for level, r in lineage.backtrace(db, "good.csv")]
    assert levels == [(0, "long"), (1, "source")]
    graph = lineage.trace(db, "good.csv")
    assert [n.run_id for n in graph.runs if n.level == 0] == [long.id]


def test_review_takes_the_producer_that_ended_last_as_the_latest(db: Database) -> None:
    two_producers(db)
    mltrace.log_component_run(
        run("check", at(7, 10), at(7, 20), inputs=["source.csv"], outputs=["bad.csv"])
    )
    review.flag_outputs(db, ["good.csv", "bad.csv"])
    ranked = {c.run.component_name: c.ef for c in review.review(db).culprits}
    assert ranked == {"source": 2, "long": 1, "check": 1}
    review.unflag_outputs(db, ["good.csv"])
    # Unflagged good.csv depends on source through its latest producer, long.
    source = next(c for c in review.review(db).culprits if c.run.component_name == "source")
    assert (source.ef, source.ep) == (1, 2)


# --- the rule in plain Python, and the property ----------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One run of a generated history (times in minutes after DAY, all distinct)."""

    uid: str
    component: str
    start: int
    end: int
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    upstream: tuple[str, ...]
    from_inputs: bool


def _latest(
    candidates: Sequence[Any], start: Any, key: Any
) -> Any | None:  # key(c) -> (start, end, id)
    ended = [c for c in candidates if key(c)[1] <= start]
    if ended:
        return max(ended, key=lambda c: (key(c)[1], key(c)[2]))
    started = [c for c in candidates if key(c)[0] < start]
    return max(started, key=lambda c: (key(c)[0], key(c)[2])) if started else None


def expected_dependencies(runs: Sequence[Any], key: Any) -> set[tuple[str, str]]:
    """The rule: for each input and each named upstream component, at most one run.

    ``runs`` have ``uid``, ``component``, ``inputs``, ``outputs``, ``upstream`` and
    ``from_inputs``; ``key(run)`` gives its (start, end, id) for the time comparisons.
    """
    edges = set()
    for r in runs:
        groups = []
        if r.from_inputs:
            groups += [[q for q in runs if p in q.outputs and q is not r] for p in r.inputs]
        groups += [[q for q in runs if q.component == u and q is not r] for u in r.upstream]
        for group in groups:
            picked = _latest(group, key(r)[0], key)
            if picked is not None:
                edges.add((r.uid, picked.uid))
    return edges


def _minutes(value: int) -> datetime:
    return DAY + timedelta(minutes=value)


@st.composite
def histories(draw: st.DrawFn) -> list[Spec]:
    """Chains, diamonds and fan-in of up to 4 components, each re-run up to 3 times.

    A component always writes the same pointer and its re-runs do not overlap; runs of
    different components overlap freely. Every start and end is a distinct minute.
    """
    components = draw(st.integers(2, 4))
    names = [f"c{i}" for i in range(components)]
    wiring = []
    for i in range(components):
        earlier = names[:i]
        inputs = draw(st.lists(st.sampled_from(earlier), unique=True)) if earlier else []
        upstream = draw(st.lists(st.sampled_from(earlier), unique=True, max_size=1)) if i else []
        raw = ["raw.csv"] if draw(st.booleans()) else []
        wiring.append(
            (
                tuple([f"{n}.out" for n in inputs] + raw),
                tuple(upstream),
                draw(st.booleans()) or not upstream,
            )
        )
    counts = [draw(st.integers(1, 3)) for _ in names]
    total = sum(counts)
    # 2 distinct minutes per run, dealt out to the components at random; each component
    # pairs its own minutes in order, so its re-runs follow each other while runs of
    # different components interleave and overlap.
    minutes = draw(
        st.permutations(
            draw(st.lists(st.integers(0, 600), min_size=2 * total, max_size=2 * total, unique=True))
        )
    )
    specs, dealt = [], 0
    for index, name in enumerate(names):
        mine = sorted(minutes[dealt : dealt + 2 * counts[index]])
        dealt += 2 * counts[index]
        inputs, upstream, from_inputs = wiring[index]
        for number in range(counts[index]):
            specs.append(
                Spec(
                    uid=f"{name}-{number}",
                    component=name,
                    start=mine[2 * number],
                    end=mine[2 * number + 1],
                    inputs=inputs,
                    outputs=(f"{name}.out",),
                    upstream=upstream,
                    from_inputs=from_inputs,
                )
            )
    return specs


def _to_run(spec: Spec) -> ComponentRun:
    made = run(
        spec.component,
        _minutes(spec.start),
        _minutes(spec.end),
        spec.inputs,
        spec.outputs,
        spec.upstream,
    )
    made.uid = spec.uid
    return made


THRESHOLD = 3 * 3600  # short enough that some generated dependencies are "run N days ago"


def log_in_chunks(specs: Sequence[Spec], sizes: Sequence[int]) -> None:
    """Logs specs in this order, as batches of the given sizes (1 = a single call)."""
    position, turn = 0, 0
    while position < len(specs):
        size = max(1, sizes[turn % len(sizes)]) if sizes else 1
        chunk = specs[position : position + size]
        position, turn = position + len(chunk), turn + 1
        # A batch shares one set_dependencies_from_inputs; split where it changes.
        for from_inputs, group in itertools.groupby(chunk, key=lambda s: s.from_inputs):
            runs = [_to_run(s) for s in group]
            if len(runs) == 1:
                mltrace.log_component_run(
                    runs[0],
                    set_dependencies_from_inputs=from_inputs,
                    staleness_threshold=THRESHOLD,
                )
            else:
                mltrace.log_component_runs(
                    runs, set_dependencies_from_inputs=from_inputs, staleness_threshold=THRESHOLD
                )


def snapshot(db: Database) -> tuple[dict[str, tuple[Any, ...]], set[tuple[str, str]], dict]:
    """Runs by uid, DEPENDS_ON by uid, and stale warnings with ids replaced by uids."""
    rows = db.read(
        "MATCH (r:ComponentRun) RETURN r.uid AS uid, r.id AS id, r.component_name AS c, "
        "r.start_timestamp AS s, r.end_timestamp AS e, coalesce(r.stale, []) AS stale"
    )
    uid_of = {row["id"]: row["uid"] for row in rows}

    def by_uid(text: str) -> str:
        return re.sub(r"\(ID (\d+)\)", lambda m: f"({uid_of[int(m.group(1))]})", text)

    runs = {row["uid"]: (row["c"], row["s"], row["e"]) for row in rows}
    stale = {row["uid"]: sorted(by_uid(t) for t in row["stale"]) for row in rows}
    return runs, depends_on(db), stale


def expected_stale(specs: Sequence[Spec], edges: set[tuple[str, str]]) -> dict[str, list[str]]:
    """mltrace's two warnings per dependency, with the dependency's uid for its id."""
    by_uid = {s.uid: s for s in specs}
    stale: dict[str, list[str]] = {s.uid: [] for s in specs}
    for dependent, dependency in edges:
        r, d = by_uid[dependent], by_uid[dependency]
        age = timedelta(minutes=r.start - d.start)
        if age.total_seconds() > THRESHOLD:
            stale[r.uid].append(f"{d.component} ({d.uid}) was run {age.days} days ago.")
        fresher = [q for q in specs if q.component == d.component and d.start < q.start < r.start]
        if fresher:
            stale[r.uid].append(
                f"{d.component} ({d.uid}) has {len(fresher)} fresher run(s) that began "
                f"before this component run started."
            )
    return {uid: sorted(texts) for uid, texts in stale.items()}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=histories(),
    order=st.randoms(use_true_random=False),
    sizes=st.lists(st.integers(1, 4), max_size=4),
)
def test_any_logging_order_gives_the_graph_of_time_order_and_of_the_rule(
    db: Database, specs: list[Spec], order: random.Random, sizes: list[int]
) -> None:
    mltrace.clean_db()
    log_in_chunks(sorted(specs, key=lambda s: s.start), [1])
    in_time_order = snapshot(db)

    mltrace.clean_db()
    shuffled = list(specs)
    order.shuffle(shuffled)
    log_in_chunks(shuffled, sizes)
    assert snapshot(db) == in_time_order

    edges = expected_dependencies(specs, key=lambda s: (s.start, s.end, 0))
    assert in_time_order[1] == edges
    assert in_time_order[2] == expected_stale(specs, edges)


# --- racing writers -----------------------------------------------------------------------

WRITERS = 8
RUNS_PER_WRITER = 63


def _racing_runs(seed: int) -> list[ComponentRun]:
    """Overlapping runs on shared names; each writer logs its own in a random order."""
    rng = random.Random(seed)
    made = []
    for i in range(RUNS_PER_WRITER):
        kind = rng.choice(["ingest", "train", "infer"])
        start = DAY + timedelta(seconds=rng.randrange(0, 6 * 3600), microseconds=seed * 10 + 1)
        end = start + timedelta(seconds=rng.randrange(1, 1800))
        if kind == "ingest":
            made.append(run("ingest", start, end, outputs=["raw.csv"]))
        elif kind == "train":
            made.append(run("train", start, end, inputs=["raw.csv"], outputs=["model.pkl"]))
        else:
            made.append(
                run(
                    "infer",
                    start,
                    end,
                    inputs=["model.pkl", "raw.csv"],
                    outputs=[f"preds-{seed}-{i}"],
                    upstream=["ingest"],
                )
            )
    rng.shuffle(made)
    return made


def _write(seed: int) -> None:
    """One writer process: its own driver (made in the process), single calls and batches."""
    warnings.simplefilter("ignore")
    made = _racing_runs(seed)
    position = 0
    while position < len(made):
        size = 1 if position % 2 else 3
        chunk = made[position : position + size]
        position += size
        if len(chunk) == 1:
            mltrace.log_component_run(chunk[0])
        else:
            mltrace.log_component_runs(chunk)


@dataclass(frozen=True)
class Stored:
    uid: str
    component: str
    id: int
    start: datetime
    end: datetime
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    upstream: tuple[str, ...]
    from_inputs: bool = True


STORED_RUNS = """
MATCH (r:ComponentRun)
RETURN r.uid AS uid, r.component_name AS component, r.id AS id,
       r.start_timestamp AS start, r.end_timestamp AS end,
       [(r)-[:CONSUMED]->(p) | p.name] AS inputs, [(r)-[:PRODUCED]->(p) | p.name] AS outputs,
       [(r)-[:NAMES_UPSTREAM]->(c) | c.name] AS upstream
"""


def test_eight_racing_writers_link_every_run_by_the_rule(db: Database) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(WRITERS) as pool:
        pool.map(_write, range(WRITERS), chunksize=1)
    stored = [
        Stored(
            uid=row["uid"],
            component=row["component"],
            id=row["id"],
            start=row["start"].to_native(),
            end=row["end"].to_native(),
            inputs=tuple(row["inputs"]),
            outputs=tuple(row["outputs"]),
            upstream=tuple(row["upstream"]),
        )
        for row in db.read(STORED_RUNS)
    ]
    assert len(stored) == WRITERS * RUNS_PER_WRITER
    by_uid = {s.uid: s for s in stored}
    edges = depends_on(db)
    assert [(a, b) for a, b in edges if by_uid[b].start > by_uid[a].start] == []
    assert edges == expected_dependencies(stored, key=lambda s: (s.start, s.end, s.id))
    assert len(edges) > 400  # the history really has dependencies to get wrong


# --- cost: the write reads what the answer needs ------------------------------------------


def _index_rows(db: Database, runs: Sequence[ComponentRun]) -> tuple[int, set[str]]:
    """PROFILEs RECORD_RUNS on these runs: rows read from indexes, and the operators."""
    rows = [store_runs._statement_row(encode_run(r)) for r in runs]
    query = store_runs.RECORD_RUNS.replace("CYPHER replan=skip", "CYPHER replan=skip PROFILE")
    with db.session() as session:
        result = session.run(query, runs=rows)  # type: ignore[arg-type]
        plan = result.consume().profile
    total, operators, stack = 0, set(), [plan]
    while stack:
        node = stack.pop()
        operator = node["operatorType"].split("@")[0]
        operators.add(operator)
        if "IndexSeek" in operator and "Unique" not in operator:
            total += int(node.get("rows", 0))
        stack.extend(node.get("children", []))
    return total, operators


def test_logging_reads_a_few_index_entries_however_many_runs_share_the_pointer(
    db: Database,
) -> None:
    """300 producers and 300 consumers of model.pkl: one more of each reads a handful."""
    history = []
    for i in range(300):
        start = DAY + timedelta(minutes=10 * i)
        history.append(run("train", start, start + timedelta(minutes=2), outputs=["model.pkl"]))
        history.append(
            run(
                "infer",
                start + timedelta(minutes=5),
                start + timedelta(minutes=6),
                inputs=["model.pkl"],
                upstream=["train"],
            )
        )
    mltrace.log_component_runs(history)
    db.write("CALL db.prepareForReplanning(60)")
    late = DAY + timedelta(minutes=10 * 150 + 3)  # between train 150 and infer 150
    in_order = DAY + timedelta(days=3)
    newcomers = [
        run("train", late, late + timedelta(seconds=30), outputs=["model.pkl"]),
        run(
            "infer",
            in_order,
            in_order + timedelta(minutes=1),
            inputs=["model.pkl"],
            upstream=["train"],
        ),
    ]
    read, operators = _index_rows(db, newcomers)
    assert read <= 20, read
    assert not {"NodeByLabelScan", "AllNodesScan", "DirectedRelationshipTypeScan"} & operators
    assert "DirectedRelationshipIndexSeek" in operators
    # The late run re-linked the one consumer it should have fed, and nothing else.
    relinked = db.read(
        "MATCH (r:ComponentRun)-[:DEPENDS_ON]->(:ComponentRun {uid: $uid}) "
        "RETURN r.start_timestamp AS s",
        uid=newcomers[0].uid,
    )
    assert [row["s"].to_native() for row in relinked] == [DAY + timedelta(minutes=1505)]


def test_a_run_logged_in_python_depends_on_a_dataset_written_through_openlineage(
    db: Database,
) -> None:
    dataset = openlineage.PointerRow("warehouse.orders", "warehouse.orders", "data")
    uid = "0190a3c2-7d1e-7cc0-9a55-0c7b3f0e6a11"
    openlineage.record_events(
        db,
        [
            openlineage.OpenLineageRun(uid, "etl", "START", at(8, 0), outputs=[dataset]),
            openlineage.OpenLineageRun(uid, "etl", "COMPLETE", at(8, 30), outputs=[dataset]),
        ],
    )
    report = run("report", at(9, 0), at(9, 5), inputs=["warehouse.orders"])
    mltrace.log_component_run(report)
    assert depends_on(db) == {(report.uid, uid)}
