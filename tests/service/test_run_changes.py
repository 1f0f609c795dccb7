"""Field-by-field comparison of two runs and its words (pure: no database needed)."""

from __future__ import annotations

import hashlib

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import IOPointer
from mltrace_graph.service.run_changes import FieldChange, compare_runs, describe
from tests.pipelines import make_run


def _pair() -> tuple[ComponentRun, ComponentRun]:
    a = make_run("train", 0, ["features.csv"], ["model.pkl"])
    b = make_run("train", 0, ["features.csv"], ["model.pkl"])
    return a, b


def test_equal_runs_have_no_changes() -> None:
    a, b = _pair()
    assert compare_runs(a, b) == []


def test_params_and_metrics_are_compared_per_key_as_added_removed_or_changed() -> None:
    a, b = _pair()
    a.params, b.params = {"lr": 0.1, "depth": 3}, {"lr": 0.2, "seed": 7}
    a.metrics, b.metrics = {"auc": 0.9}, {}
    changes = compare_runs(a, b)
    assert changes == [
        FieldChange("params.depth", 3, None, "removed"),
        FieldChange("params.lr", 0.1, 0.2),
        FieldChange("params.seed", None, 7, "added"),
        FieldChange("metrics.auc", 0.9, None, "removed"),
    ]
    assert [describe(c) for c in changes] == [
        "param depth removed (was 3)",
        "param lr 0.1 -> 0.2",
        "param seed added (7)",
        "metric auc removed (was 0.9)",
    ]


def test_code_snapshots_are_compared_by_the_hash_of_their_text() -> None:
    a, b = _pair()
    a.code_snapshot, b.code_snapshot = "def f(): return 1", "def f(): return 2"
    [change] = compare_runs(a, b)
    assert change.field == "code_snapshot"
    assert change.a == hashlib.sha256(b"def f(): return 1").hexdigest()[:12]
    assert describe(change) == f"code {change.a} -> {change.b}"


def test_git_tags_status_and_tests_are_compared() -> None:
    a, b = _pair()
    a.git_tags, b.git_tags = ["v1", "prod"], ["prod", "v1"]  # the same tags, reordered
    a.status, b.status = "success", "failed"
    a.test_results = [{"test": "t", "passed": True}]
    b.test_results = [{"test": "t", "passed": False}]
    assert [describe(c) for c in compare_runs(a, b)] == [
        "status success -> failed",
        "tests 1/1 passed -> 0/1 passed",
    ]


def test_stale_warnings_differing_only_in_run_ids_and_counts_are_equal() -> None:
    a, b = _pair()
    a.stale = ["clean (ID 2) has 1 fresher run(s) that began before this component run started."]
    b.stale = ["clean (ID 7) has 3 fresher run(s) that began before this component run started."]
    assert compare_runs(a, b) == []
    b.stale = ["clean (ID 7) was run 40 days ago."]
    assert [c.field for c in compare_runs(a, b)] == ["stale"]


def test_pointers_differ_by_name_then_by_type_and_value() -> None:
    a, b = _pair()
    a.add_input("extra.csv")
    b.add_input(IOPointer("lookup.json"))
    a.outputs[0].value, b.outputs[0].value = "hash-1", "hash-2"
    changes = compare_runs(a, b)
    assert changes == [
        FieldChange("inputs", ["extra.csv"], ["lookup.json"]),
        FieldChange("outputs.model.pkl.value", "hash-1", "hash-2"),
    ]
    assert [describe(c) for c in changes] == [
        "inputs extra.csv -> lookup.json",
        "output model.pkl value hash-1 -> hash-2",
    ]
