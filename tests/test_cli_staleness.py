"""``mltrace-graph stale`` and ``plan``: text, --json, --as-of, targets and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from mltrace_graph.cli import main
from mltrace_graph.store.connection import Database
from tests.pipelines import log, make_run


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def pipeline(db: Database) -> Database:
    """featuregen 1 -> train 2 -> infer 3 (preds-1), then featuregen 4 with other code."""
    runs = [
        make_run("featuregen", 0, ["raw.csv"], ["feats-1"]),
        make_run("train", 10, ["feats-1"], ["model-1"]),
        make_run("infer", 20, ["model-1"], ["preds-1"]),
        make_run("featuregen", 30, ["raw.csv"], ["feats-2"]),
    ]
    for run in runs:
        run.git_hash = "a1b2c3d4e5"
    runs[3].git_hash = "c3d4e5f6a7"
    log(db, *runs)
    return db


@pytest.mark.parametrize("command", ["stale", "plan"])
def test_stale_and_plan_have_help_with_an_example(command: str) -> None:
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"mltrace-graph {command}" in result.output
    assert "--as-of" in result.output


def test_stale_lists_the_reasons_upstream_first_then_the_plan(pipeline: Database) -> None:
    result = cli("stale", "preds-1")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "preds-1: stale as of now (3 of 3 run(s) stale)",
        "  run 1 featuregen",
        "    CODE: featuregen has a later run 4 (started 2026-01-01 00:30) with "
        "git a1b2c3d -> c3d4e5f than run 1",
        "  run 2 train",
        "    DATA: featuregen has a newer run 4 (ended 2026-01-01 00:30) than run 2 used (run 1)",
        "    UPSTREAM: run 2 depends on stale run 1 (featuregen); root cause: run 1 (featuregen)",
        "  run 3 infer",
        "    UPSTREAM: run 3 depends on stale run 2 (train); root cause: run 1 (featuregen)",
        "Re-run, in this order:",
        "  1. featuregen  (replaces run 1)",
        "       CODE: featuregen has a later run 4 (started 2026-01-01 00:30) with "
        "git a1b2c3d -> c3d4e5f than run 1",
        "  2. train  (replaces run 2)",
        "       DATA: featuregen has a newer run 4 (ended 2026-01-01 00:30) than run 2 used "
        "(run 1)",
        "       UPSTREAM: run 2 depends on stale run 1 (featuregen); root cause: run 1 "
        "(featuregen)",
        "  3. infer  (replaces run 3)",
        "       UPSTREAM: run 3 depends on stale run 2 (train); root cause: run 1 (featuregen)",
    ]


def test_a_run_is_run_colon_id_or_a_plain_number(pipeline: Database) -> None:
    by_prefix = cli("stale", "run:2", "--json")
    by_number = cli("stale", "2", "--json")
    assert by_prefix.exit_code == by_number.exit_code == 0
    data = json.loads(by_prefix.output)
    assert data["target"] == "run:2"
    assert json.loads(by_number.output) == data
    assert [r["run_id"] for r in data["runs"]] == [1, 2]
    assert [s["component"] for s in data["plan"]] == ["featuregen", "train"]


def test_plan_prints_the_steps_and_json(pipeline: Database) -> None:
    result = cli("plan", "preds-1", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["target"], data["fresh"]) == ("preds-1", False)
    assert [(s["order"], s["component"], s["run_id"]) for s in data["plan"]] == [
        (1, "featuregen", 1),
        (2, "train", 2),
        (3, "infer", 3),
    ]
    assert [r["kind"] for r in data["plan"][1]["reasons"]] == ["DATA", "UPSTREAM"]
    assert "runs" not in data


def test_as_of_before_the_code_change_is_fresh(pipeline: Database) -> None:
    result = cli("plan", "preds-1", "--as-of", "2026-01-01T00:25")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "preds-1: fresh as of 2026-01-01 00:25:00 UTC (3 run(s) checked)",
        "nothing to re-run",
    ]
    early = cli("stale", "preds-1", "--as-of", "2025-12-31T00:00")
    assert early.output.splitlines() == [
        "preds-1: fresh (no run had produced it as of 2025-12-31 00:00:00 UTC, so nothing to check)"
    ]
    not_yet = cli("stale", "run:4", "--as-of", "2026-01-01T00:25")
    assert not_yet.output.splitlines() == [
        "run:4: fresh (it had not started as of 2026-01-01 00:25:00 UTC, so nothing to check)"
    ]


def test_an_unknown_output_or_run_exits_1_naming_it(pipeline: Database) -> None:
    missing = cli("stale", "nope.csv")
    assert missing.exit_code == 1
    assert "error: no output named nope.csv" in missing.output
    missing_run = cli("stale", "run:99")
    assert missing_run.exit_code == 1
    assert "error: no run 99" in missing_run.output
    assert cli("plan", "nope.csv").exit_code == 1


def test_a_malformed_run_or_as_of_is_refused(pipeline: Database) -> None:
    assert cli("stale", "run:x").exit_code == 2
    bad = cli("stale", "preds-1", "--as-of", "yesterday")
    assert bad.exit_code == 1
    assert "as_of must be a datetime" in bad.output


def test_a_terminal_gets_the_verdict_and_kinds_in_colour(pipeline: Database) -> None:
    coloured = CliRunner().invoke(main, ["stale", "preds-1"], color=True).output
    assert "\x1b[31m\x1b[1mstale\x1b[0m" in coloured  # red, bold
    assert "\x1b[36m\x1b[1mCODE\x1b[0m: featuregen" in coloured  # cyan, bold
    fresh = CliRunner().invoke(main, ["plan", "feats-2"], color=True).output
    assert "\x1b[32m\x1b[1mfresh\x1b[0m" in fresh  # green, bold
    # Piped (no terminal), the same report is plain text.
    assert "\x1b[" not in cli("stale", "preds-1").output
