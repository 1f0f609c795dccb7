"""Staleness at query time: exact reasons and re-run plans on constructed pipelines."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, LiteralString

import pytest

import mltrace_graph as mltrace
from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import InvalidInputError, NotFoundError
from mltrace_graph.service import staleness
from mltrace_graph.service.staleness import StalenessReport
from mltrace_graph.store import staleness as staleness_store
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import record_runs
from tests.pipelines import T0, log, make_run


def reasons_of(report: StalenessReport) -> dict[int, list[tuple[str, int | None, list[int]]]]:
    """Per run of the trace: (kind, cause, root causes) of each reason."""
    return {
        int(s.run.id or 0): [(r.kind, r.cause_run_id, list(r.root_cause_ids)) for r in s.reasons]
        for s in report.runs
    }


def plan_of(report: StalenessReport) -> list[tuple[int, str, int]]:
    return [(s.order, s.component, s.run_id) for s in report.plan]


def with_git(run: ComponentRun, git_hash: str) -> ComponentRun:
    run.git_hash = git_hash
    return run


def retrained(db: Database) -> None:
    """clean 1 -> train 2 -> infer 3 (preds-1); then train 4 retrains on the same data."""
    log(
        db,
        make_run("clean", 0, ["raw.csv"], ["clean.csv"]),
        make_run("train", 10, ["clean.csv"], ["model-1.pkl"]),
        make_run("infer", 20, ["model-1.pkl"], ["preds-1"]),
        make_run("train", 30, ["clean.csv"], ["model-2.pkl"]),
    )


def test_a_retrained_model_makes_predictions_of_the_old_model_data_stale(db: Database) -> None:
    retrained(db)
    report = staleness.staleness(db, "preds-1")
    assert report.target == "preds-1"
    assert not report.fresh
    assert reasons_of(report) == {1: [], 2: [], 3: [("DATA", 4, [])]}
    (step,) = report.plan
    assert (step.order, step.component, step.run_id) == (1, "infer", 3)
    assert [r.message for r in step.reasons] == [
        "DATA: train has a newer run 4 (ended 2026-01-01 00:30) than run 3 used (run 2)"
    ]


def test_the_run_upstream_first_and_the_same_answer_from_the_run(db: Database) -> None:
    retrained(db)
    by_output = staleness.staleness(db, "preds-1")
    by_run = staleness.staleness(db, run_id=3)
    assert [s.run.id for s in by_output.runs] == [1, 2, 3]
    assert by_run.target == "run:3"
    assert reasons_of(by_run) == reasons_of(by_output)
    assert plan_of(by_run) == plan_of(by_output)


def test_a_prediction_of_the_new_model_is_fresh_with_an_empty_plan(db: Database) -> None:
    retrained(db)
    log(db, make_run("infer", 40, ["model-2.pkl"], ["preds-2"]))
    report = staleness.staleness(db, "preds-2")
    assert report.fresh
    assert report.plan == ()
    assert reasons_of(report) == {1: [], 4: [], 5: []}
    assert staleness.plan(db, "preds-2") == []


def test_as_of_before_the_retrain_the_old_prediction_was_fresh(db: Database) -> None:
    retrained(db)
    before = T0 + timedelta(minutes=25)
    report = staleness.staleness(db, "preds-1", as_of=before)
    assert report.fresh
    assert report.as_of == before
    assert reasons_of(report) == {1: [], 2: [], 3: []}
    # While the retrain runs (started, not yet ended) it is not yet a newer run.
    running = staleness.staleness(db, "preds-1", as_of=T0 + timedelta(minutes=30, seconds=2))
    assert running.fresh
    # A naive as_of is UTC, as everywhere.
    after = staleness.staleness(db, "preds-1", as_of="2026-01-01T00:31:00")
    assert plan_of(after) == [(1, "infer", 3)]


def test_as_of_before_the_first_run_is_an_empty_fresh_answer(db: Database) -> None:
    retrained(db)
    report = staleness.staleness(db, "preds-1", as_of=T0 - timedelta(days=1))
    assert (report.fresh, report.runs, report.plan) == (True, (), ())
    not_started = staleness.staleness(db, run_id=4, as_of=T0 + timedelta(minutes=25))
    assert (not_started.target, not_started.fresh, not_started.runs) == ("run:4", True, ())


def test_changed_git_hash_makes_featuregen_code_stale_and_the_plan_reruns_downstream_in_order(
    db: Database,
) -> None:
    log(
        db,
        with_git(make_run("ingest", 0, [], ["raw.csv"]), "a1b2c3d4e5"),
        with_git(make_run("featuregen", 10, ["raw.csv"], ["feats-1"]), "a1b2c3d4e5"),
        with_git(make_run("train", 20, ["feats-1"], ["model-1"]), "a1b2c3d4e5"),
        with_git(make_run("infer", 30, ["model-1"], ["preds-1"]), "a1b2c3d4e5"),
        with_git(make_run("featuregen", 40, ["raw.csv"], ["feats-2"]), "c3d4e5f6a7"),
    )
    report = staleness.staleness(db, "preds-1")
    assert reasons_of(report) == {
        1: [],
        2: [("CODE", 5, [])],
        3: [("DATA", 5, []), ("UPSTREAM", 2, [2])],
        4: [("UPSTREAM", 3, [2])],
    }
    assert plan_of(report) == [(1, "featuregen", 2), (2, "train", 3), (3, "infer", 4)]
    messages = {r.kind: r.message for s in report.runs for r in s.reasons if s.run.id == 2}
    assert messages["CODE"] == (
        "CODE: featuregen has a later run 5 (started 2026-01-01 00:40) with "
        "git a1b2c3d -> c3d4e5f than run 2"
    )
    infer = next(s for s in report.runs if s.run.id == 4)
    assert [r.message for r in infer.reasons] == [
        "UPSTREAM: run 4 depends on stale run 3 (train); root cause: run 2 (featuregen)"
    ]


def test_a_later_run_with_the_same_code_is_not_a_code_change(db: Database) -> None:
    log(
        db,
        with_git(make_run("featuregen", 0, ["raw.csv"], ["feats-1"]), "a1b2c3d4e5"),
        with_git(make_run("featuregen", 10, ["raw.csv"], ["feats-2"]), "a1b2c3d4e5"),
    )
    assert staleness.staleness(db, "feats-1").fresh


def test_a_changed_code_snapshot_is_a_code_change(db: Database) -> None:
    old = make_run("featuregen", 0, ["raw.csv"], ["feats-1"])
    old.code_snapshot = "def f(x): return x"
    new = make_run("featuregen", 10, ["raw.csv"], ["feats-2"])
    new.code_snapshot = "def f(x): return 2 * x"
    log(db, old, new)
    report = staleness.staleness(db, "feats-1")
    (reason,) = report.runs[0].reasons
    assert (reason.kind, reason.cause_run_id) == ("CODE", 2)
    assert reason.message == (
        "CODE: featuregen has a later run 2 (started 2026-01-01 00:10) with another code "
        "snapshot than run 1"
    )


def test_a_dependency_older_than_a_small_threshold_is_age_stale(db: Database) -> None:
    record_runs(
        db,
        [
            make_run("clean", 0, ["raw.csv"], ["clean.csv"]),
            make_run("train", 10, ["clean.csv"], ["model.pkl"]),
        ],
        staleness_threshold=60,
    )
    report = staleness.staleness(db, "model.pkl")
    assert reasons_of(report) == {1: [], 2: [("AGE", 1, [])]}
    assert report.plan[0].reasons[0].message == (
        "AGE: clean run 1 started 10 min before run 2 (threshold 1 min)"
    )


def test_the_default_threshold_keeps_a_ten_minute_old_dependency_fresh(db: Database) -> None:
    log(
        db,
        make_run("clean", 0, ["raw.csv"], ["clean.csv"]),
        make_run("train", 10, ["clean.csv"], ["model.pkl"]),
    )
    assert staleness.staleness(db, "model.pkl").fresh


def test_a_raw_input_produced_after_the_run_started_is_data_stale(db: Database) -> None:
    log(
        db,
        make_run("clean", 10, ["raw.csv"], ["clean.csv"]),
        make_run("ingest", 20, [], ["raw.csv"]),
    )
    report = staleness.staleness(db, "clean.csv")
    assert reasons_of(report) == {1: [("DATA", 2, [])]}
    assert report.runs[0].reasons[0].message == (
        "DATA: raw input raw.csv was produced by run 2 (ingest, ended 2026-01-01 00:20) "
        "after run 1 started"
    )


def test_an_input_produced_again_by_another_component_is_data_stale(db: Database) -> None:
    log(
        db,
        make_run("ingest", 0, [], ["raw.csv"]),
        make_run("clean", 10, ["raw.csv"], ["clean.csv"]),
        make_run("backfill", 20, [], ["raw.csv"]),
    )
    report = staleness.staleness(db, "clean.csv")
    assert reasons_of(report) == {1: [], 2: [("DATA", 3, [])]}
    assert report.runs[1].reasons[0].message == (
        "DATA: raw.csv was produced again by run 3 (backfill, ended 2026-01-01 00:20) "
        "after run 2 started"
    )


def test_upstream_names_every_root_cause_on_a_diamond(db: Database) -> None:
    log(
        db,
        make_run("a", 0, ["src"], ["a.out"]),
        make_run("b", 1, ["a.out"], ["b.out"]),
        make_run("c", 2, ["a.out"], ["c.out"]),
        make_run("d", 3, ["b.out", "c.out"], ["d.out"]),
        make_run("b", 4, ["a.out"], ["b2.out"]),
        make_run("c", 5, ["a.out"], ["c2.out"]),
    )
    report = staleness.staleness(db, "d.out")
    assert reasons_of(report) == {1: [], 2: [], 3: [], 4: [("DATA", 5, []), ("DATA", 6, [])]}
    assert plan_of(report) == [(1, "d", 4)]
    log(
        db,
        with_git(make_run("a", 6, ["src"], ["a2.out"]), "x1"),
    )
    db.write("MATCH (r:ComponentRun {id: 1}) SET r.git_hash = 'x0'")
    report = staleness.staleness(db, "d.out")
    assert reasons_of(report) == {
        1: [("CODE", 7, [])],
        2: [("DATA", 7, []), ("UPSTREAM", 1, [1])],
        3: [("DATA", 7, []), ("UPSTREAM", 1, [1])],
        4: [("DATA", 5, []), ("DATA", 6, []), ("UPSTREAM", 2, [1])],
    }
    # Upstream first; b and c are both ready after a, b first by name.
    assert plan_of(report) == [(1, "a", 1), (2, "b", 2), (3, "c", 3), (4, "d", 4)]


def test_the_plan_takes_runs_stage_by_stage_so_two_cycles_runs_come_together(
    db: Database,
) -> None:
    log(
        db,
        make_run("ingest", 0, [], ["raw-1"]),
        make_run("clean", 1, ["raw-1"], ["clean-1"]),
        make_run("featuregen", 2, ["clean-1"], ["feats-1"]),
        make_run("train", 3, ["feats-1"], ["model"]),
        make_run("ingest", 4, [], ["raw-2"]),
        make_run("clean", 5, ["raw-2"], ["clean-2"]),
        make_run("featuregen", 6, ["clean-2"], ["feats-2"]),
        make_run("infer", 7, ["feats-2", "model"], ["preds"]),
        make_run("ingest", 8, [], ["raw-3"]),
    )
    report = staleness.staleness(db, "preds")
    assert plan_of(report) == [
        (1, "clean", 2),
        (2, "clean", 6),
        (3, "featuregen", 3),
        (4, "featuregen", 7),
        (5, "train", 4),
        (6, "infer", 8),
    ]
    assert [s.run.id for s in report.runs] == [1, 5, 2, 6, 3, 7, 4, 8]
    assert reasons_of(report)[8] == [("UPSTREAM", 4, [2, 6])]


def test_an_unknown_output_or_run_is_not_found_by_name(db: Database) -> None:
    retrained(db)
    with pytest.raises(NotFoundError) as missing:
        staleness.staleness(db, "nope.csv")
    assert (missing.value.kind, missing.value.ids) == ("output", ("nope.csv",))
    with pytest.raises(NotFoundError) as missing_run:
        staleness.staleness(db, run_id=99)
    assert (missing_run.value.kind, missing_run.value.ids) == ("run", ("99",))
    with pytest.raises(NotFoundError):
        staleness.plan(db, "nope.csv")


def test_both_or_neither_target_is_invalid_input(db: Database) -> None:
    with pytest.raises(InvalidInputError):
        staleness.staleness(db)
    with pytest.raises(InvalidInputError):
        staleness.staleness(db, "preds-1", run_id=3)
    with pytest.raises(InvalidInputError) as bad:
        staleness.staleness(db, "preds-1", as_of="yesterday")
    assert bad.value.field == "as_of"


def test_to_dict_is_json_ready(db: Database) -> None:
    retrained(db)
    data = staleness.staleness(db, "preds-1").to_dict()
    assert data["fresh"] is False
    assert data["as_of"] is None
    assert data["plan"] == [
        {
            "order": 1,
            "component": "infer",
            "run_id": 3,
            "reasons": [
                {
                    "kind": "DATA",
                    "run_id": 3,
                    "cause_run_id": 4,
                    "root_cause_ids": [],
                    "message": "DATA: train has a newer run 4 (ended 2026-01-01 00:30) "
                    "than run 3 used (run 2)",
                }
            ],
        }
    ]


class CountingDatabase(Database):
    """A real ``Database`` that counts its read round trips."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.calls = 0

    def read(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        self.calls += 1
        return super().read(query, **params)


def test_staleness_is_one_round_trip_that_scans_no_label(db: Database) -> None:
    retrained(db)
    counting = CountingDatabase(db.settings)
    staleness.staleness(counting, "preds-1")
    assert counting.calls == 1
    # Fresh statistics, so the plan checked is the one an up-to-date database makes.
    db.write("CALL db.prepareForReplanning(60)")
    for query, params in (
        (staleness_store.STALENESS_FROM_OUTPUT, {"output": "preds-1"}),
        (staleness_store.STALENESS_FROM_RUN, {"run_id": 3}),
    ):
        with db.session() as session:
            summary = session.run(
                "PROFILE " + query,  # type: ignore[arg-type]
                {
                    "as_of": None,
                    "until": staleness_store.END_OF_TIME,
                    "default_threshold": 60,
                    **params,
                },
            ).consume()
        operators: set[str] = set()
        stack = [summary.profile]
        while stack:
            node = stack.pop()
            operators.add(node["operatorType"].split("@")[0])
            stack.extend(node.get("children", []))
        assert not operators & {"NodeByLabelScan", "AllNodesScan"}, operators
        assert "VarLengthExpand(Pruning,BFS,All)" in operators, operators


def test_the_python_api_answers_staleness_and_the_plan(db: Database) -> None:
    retrained(db)
    report = mltrace.get_staleness("preds-1")
    assert plan_of(report) == [(1, "infer", 3)]
    assert reasons_of(mltrace.get_staleness(run_id="3")) == reasons_of(report)
    assert [(s.order, s.component, s.run_id) for s in mltrace.get_rerun_plan("preds-1")] == [
        (1, "infer", 3)
    ]
    assert mltrace.get_rerun_plan("preds-1", as_of=T0 + timedelta(minutes=25)) == []
    with pytest.raises(NotFoundError):
        mltrace.get_staleness("nope.csv")
