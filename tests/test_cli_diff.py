"""``mltrace-graph diff`` and ``diff-runs`` through click's runner: text, JSON, errors."""

from __future__ import annotations

import json

from click.testing import CliRunner, Result

from mltrace_graph.cli import main
from mltrace_graph.store.connection import Database
from tests.day_pipelines import day_pipeline
from tests.pipelines import log


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _two_days(db: Database) -> None:
    log(db, *day_pipeline(0), *day_pipeline(1, window=14, git="c3d4e5f6a7", auc=0.85))


def test_diff_puts_the_first_divergence_on_top_then_components(db: Database) -> None:
    _two_days(db)
    result = cli("diff", "pred-d1", "pred-d2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "diff pred-d1 .. pred-d2"
    assert lines[3] == "First divergences (look here first):"
    assert lines[4] == (
        "  ! featuregen (run 3 -> run 8): param window 7 -> 14, git a1b2c3d -> c3d4e5f"
    )
    assert lines[6] == "By component:"
    assert "  featuregen #1 at depth 1  run 3 -> run 8  changed" in lines
    assert "      params.window: 7 -> 14" in lines
    assert "  ingest #1 at depth 3  run 1 -> run 6  time only" in lines
    assert lines[-2:] == ["Only in a (pred-d1): none", "Only in b (pred-d2): none"]


def test_diff_of_an_output_with_itself_says_identical(db: Database) -> None:
    _two_days(db)
    result = cli("diff", "pred-d2", "pred-d2")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "diff pred-d2 .. pred-d2",
        "identical: the same 5 upstream run(s)",
    ]


def test_diff_json_carries_pairs_and_divergences(db: Database) -> None:
    _two_days(db)
    result = cli("diff", "pred-d1", "pred-d2", "--json")
    data = json.loads(result.output)
    assert data["identical"] is False
    assert data["first_divergences"] == [
        {
            "component": "featuregen",
            "a_run_id": 3,
            "b_run_id": 8,
            "reason": "featuregen: param window 7 -> 14, git a1b2c3d -> c3d4e5f",
        }
    ]
    assert [p["component"] for p in data["pairs"]] == [
        "infer",
        "featuregen",
        "train",
        "clean",
        "ingest",
    ]


def test_diff_as_of_before_day_2_sees_the_day_1_model(db: Database) -> None:
    _two_days(db)
    result = cli("diff", "model.pkl", "pred-d1", "--as-of", "2026-01-01T12:00", "--json")
    data = json.loads(result.output)
    assert data["as_of"] == "2026-01-01T12:00:00+00:00"
    assert [(p["component"], p["a"]["id"], p["same"]) for p in data["pairs"]] == [
        ("train", 4, True),
        ("featuregen", 3, True),
        ("clean", 2, True),
        ("ingest", 1, True),
    ]


def test_diff_of_an_unknown_output_exits_1_naming_it(db: Database) -> None:
    _two_days(db)
    result = cli("diff", "pred-d1", "nope")
    assert result.exit_code == 1
    assert result.output == "error: no output named nope\n"


def test_diff_runs_lists_the_changes_of_two_runs(db: Database) -> None:
    _two_days(db)
    result = cli("diff-runs", "3", "8")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:3] == [
        "featuregen  run 3 -> run 8  changed",
        "featuregen: param window 7 -> 14, git a1b2c3d -> c3d4e5f",
        "    params.window: 7 -> 14",
    ]


def test_diff_runs_of_different_components_exits_1_naming_both(db: Database) -> None:
    _two_days(db)
    result = cli("diff-runs", "3", "4")
    assert result.exit_code == 1
    assert "run 3 is of component 'featuregen' and run 4 of 'train'" in result.output


def test_diff_help_teaches_with_examples() -> None:
    for command in ("diff", "diff-runs"):
        result = cli(command, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.output
        assert f"mltrace-graph {command}" in result.output
