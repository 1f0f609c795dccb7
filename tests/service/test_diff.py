"""Trace diff on constructed pipelines: alignment, changes, first divergences, bad input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from mltrace_graph.errors import InvalidInputError, NotFoundError
from mltrace_graph.service.diff import Divergence, FieldChange, diff_runs, diff_traces
from mltrace_graph.store.connection import Database
from tests.day_pipelines import DAY, day_pipeline
from tests.pipelines import T0, log, make_run


def _fields(changes: tuple[FieldChange, ...]) -> list[tuple[str, Any, Any]]:
    return [(c.field, c.a, c.b) for c in changes]


def _iso(minute: float, seconds: float = 0) -> str:
    return (T0 + timedelta(minutes=minute, seconds=seconds)).isoformat()


def test_a_featuregen_param_change_on_day_2_is_the_first_divergence(db: Database) -> None:
    log(db, *day_pipeline(0), *day_pipeline(1, window=14, git="c3d4e5f6a7", auc=0.85))
    diff = diff_traces(db, "pred-d1", "pred-d2")
    assert diff.first_divergences == (
        Divergence("featuregen", 3, 8, "featuregen: param window 7 -> 14, git a1b2c3d -> c3d4e5f"),
    )
    assert not diff.identical
    assert diff.only_in_a == () and diff.only_in_b == ()
    assert [(p.component, p.a.id, p.b.id, p.position) for p in diff.pairs] == [
        ("infer", 5, 10, "#1 at depth 0"),
        ("featuregen", 3, 8, "#1 at depth 1"),
        ("train", 4, 9, "#1 at depth 1"),
        ("clean", 2, 7, "#1 at depth 2"),
        ("ingest", 1, 6, "#1 at depth 3"),
    ]
    by_component = {p.component: p for p in diff.pairs}
    assert _fields(by_component["featuregen"].changes) == [
        ("params.window", 7, 14),
        ("git_hash", "a1b2c3d4e5", "c3d4e5f6a7"),
        ("start_timestamp", _iso(3), _iso(DAY + 3)),
        ("end_timestamp", _iso(3, 5), _iso(DAY + 3, 5)),
    ]
    # The model and the predictions differ too, but only because featuregen did.
    assert _fields(by_component["train"].changes)[0] == ("metrics.auc", 0.9, 0.85)
    assert _fields(by_component["infer"].changes)[0] == ("outputs", ["pred-d1"], ["pred-d2"])
    # Re-runs of unchanged code on unchanged data differ in time alone.
    assert [c.field for c in by_component["ingest"].changes] == [
        "start_timestamp",
        "end_timestamp",
    ]
    assert not by_component["ingest"].substantive
    assert diff.summary == (
        "5 of 5 aligned run(s) differ, 0 only in a, 0 only in b; look first at "
        "featuregen: param window 7 -> 14, git a1b2c3d -> c3d4e5f"
    )


def test_a_git_change_upstream_makes_that_component_the_first_divergence(db: Database) -> None:
    log(db, *day_pipeline(0), *day_pipeline(1, window=14, clean_git="ffff000011"))
    diff = diff_traces(db, "pred-d1", "pred-d2")
    assert diff.first_divergences == (Divergence("clean", 2, 7, "clean: git a1b2c3d -> ffff000"),)


def test_runs_shared_by_both_traces_are_the_same_and_not_divergences(db: Database) -> None:
    day1 = day_pipeline(0)
    log(db, *day1)
    again = make_run("infer", 30, ["model.pkl", "features.csv"], ["pred-d1b"])
    log(db, again)
    diff = diff_traces(db, "pred-d1", "pred-d1b")
    assert [(p.component, p.same) for p in diff.pairs] == [
        ("infer", False),
        ("featuregen", True),
        ("train", True),
        ("clean", True),
        ("ingest", True),
    ]
    # A run on both sides is read and decoded once.
    assert all(p.a is p.b for p in diff.pairs if p.same)
    assert diff.first_divergences == (
        Divergence("infer", 5, 6, "infer: outputs pred-d1 -> pred-d1b"),
    )


def test_an_output_diffed_with_itself_is_identical(db: Database) -> None:
    log(db, *day_pipeline(0))
    diff = diff_traces(db, "pred-d1", "pred-d1")
    assert diff.identical
    assert diff.summary == "identical: the same 5 upstream run(s)"
    assert all(p.same and p.changes == () for p in diff.pairs)
    assert diff.first_divergences == ()
    assert diff.to_dict()["identical"] is True


def test_a_step_on_one_side_only_is_listed_and_its_consumer_diverges(db: Database) -> None:
    log(db, *day_pipeline(0), *day_pipeline(1, extra_step=True))
    diff = diff_traces(db, "pred-d1", "pred-d2")
    assert diff.only_in_a == ()
    assert [(u.depth, u.run.component_name, u.run.id) for u in diff.only_in_b] == [
        (2, "augment", 8)
    ]
    assert diff.first_divergences == (
        Divergence("featuregen", 3, 9, "featuregen: inputs clean.csv -> augmented.csv"),
    )
    positions = {p.component: p.position for p in diff.pairs}
    assert positions["clean"] == "#1 at depth 2 / 3"
    assert diff.summary.startswith("5 of 5 aligned run(s) differ, 0 only in a, 1 only in b;")


def _fan_in(db: Database, day: int, sources: int, size: int) -> None:
    """``sources`` ingest runs (in start order) feeding one merge; ``size`` is a param."""
    at = day * DAY
    runs = []
    for i in range(sources):
        run = make_run("ingest", at + i, [f"src{i}"], [f"part{i}-d{day}"])
        run.params = {"size": size if i == 1 else 1}
        runs.append(run)
    runs.append(
        make_run("merge", at + 10, [f"part{i}-d{day}" for i in range(sources)], [f"m{day}"])
    )
    log(db, *runs)


def test_repeated_components_pair_by_depth_then_start_order(db: Database) -> None:
    _fan_in(db, 0, 2, size=5)  # ids 1, 2 ingest; 3 merge
    _fan_in(db, 1, 3, size=6)  # ids 4, 5, 6 ingest; 7 merge
    diff = diff_traces(db, "m0", "m1")
    assert [(p.component, p.position, p.a.id, p.b.id) for p in diff.pairs] == [
        ("merge", "#1 at depth 0", 3, 7),
        ("ingest", "#1 at depth 1", 1, 4),
        ("ingest", "#2 at depth 1", 2, 5),
    ]
    assert [u.run.id for u in diff.only_in_b] == [6]
    second = diff.pairs[2]
    assert ("params.size", 5, 6) in _fields(second.changes)
    # The two ingest pairs differ (their outputs' names); merge is downstream of both.
    assert [d.component for d in diff.first_divergences] == ["ingest", "ingest"]
    assert diff.first_divergences[1].reason == (
        "ingest: param size 5 -> 6, outputs part1-d0 -> part1-d1"
    )


def test_a_repeated_component_at_two_depths_pairs_the_nearer_runs(db: Database) -> None:
    for day in (0, 1):
        at = day * DAY
        first = make_run("norm", at, [f"raw{day}"], [f"n1-{day}"])
        mid = make_run("mix", at + 1, [f"n1-{day}"], [f"x-{day}"])
        second = make_run("norm", at + 2, [f"x-{day}"], [f"n2-{day}"])
        second.params = {"scale": 1 + day}
        log(db, first, mid, second)
    diff = diff_traces(db, "n2-0", "n2-1")
    assert [(p.component, p.position, p.a.id, p.b.id) for p in diff.pairs] == [
        ("norm", "#1 at depth 0", 3, 6),
        ("mix", "#1 at depth 1", 2, 5),
        ("norm", "#2 at depth 2", 1, 4),
    ]


def test_the_diff_as_of_a_time_uses_the_producer_of_then(db: Database) -> None:
    log(db, *day_pipeline(0), *day_pipeline(1, window=14))
    now = diff_traces(db, "model.pkl", "pred-d1")
    assert [(p.component, p.a.id, p.b.id) for p in now.pairs if p.component == "train"] == [
        ("train", 9, 4)
    ]
    then = diff_traces(db, "model.pkl", "pred-d1", as_of=(T0 + timedelta(hours=12)).isoformat())
    assert [(p.component, p.same) for p in then.pairs] == [
        ("train", True),
        ("featuregen", True),
        ("clean", True),
        ("ingest", True),
    ]
    assert [u.run.id for u in then.only_in_b] == [5]
    assert then.first_divergences == ()


def test_an_unknown_output_is_not_found_by_name(db: Database) -> None:
    log(db, *day_pipeline(0))
    with pytest.raises(NotFoundError) as caught:
        diff_traces(db, "pred-d1", "nope")
    assert caught.value.ids == ("nope",)
    with pytest.raises(NotFoundError) as both:
        diff_traces(db, "gone", "nope")
    assert both.value.ids == ("gone", "nope")


def test_diff_runs_compares_two_runs_of_one_component(db: Database) -> None:
    log(db, *day_pipeline(0), *day_pipeline(1, window=14))
    pair = diff_runs(db, 3, 8)
    assert pair.component == "featuregen"
    assert _fields(pair.changes)[:1] == [("params.window", 7, 14)]
    assert pair.reason == "featuregen: param window 7 -> 14"
    assert diff_runs(db, 3, 3).same


def test_diff_runs_of_different_components_is_invalid_and_names_both(db: Database) -> None:
    log(db, *day_pipeline(0))
    with pytest.raises(InvalidInputError) as caught:
        diff_runs(db, 3, 4)
    assert "run 3 is of component 'featuregen' and run 4 of 'train'" in str(caught.value)


def test_diff_runs_of_an_unknown_run_is_not_found(db: Database) -> None:
    log(db, *day_pipeline(0))
    with pytest.raises(NotFoundError) as caught:
        diff_runs(db, 3, 99)
    assert caught.value.ids == ("99",)


def test_as_of_before_the_first_run_is_an_empty_diff_that_says_so(db: Database) -> None:
    log(db, *day_pipeline(0), *day_pipeline(1))
    before = (T0 - timedelta(days=1)).isoformat()
    diff = diff_traces(db, "pred-d1", "pred-d2", as_of=before)
    assert (diff.pairs, diff.only_in_a, diff.only_in_b) == ((), (), ())
    assert not diff.identical
    assert diff.summary == (
        "0 of 0 aligned run(s) differ, 0 only in a, 0 only in b; no run had produced "
        "pred-d1, pred-d2 by 2025-12-31T00:00:00+00:00"
    )
    with_itself = diff_traces(db, "pred-d1", "pred-d1", as_of=before)
    assert with_itself.identical
    assert with_itself.summary == (
        "identical: the same 0 upstream run(s); no run had produced pred-d1 by "
        "2025-12-31T00:00:00+00:00"
    )
