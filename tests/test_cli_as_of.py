"""``--as-of`` on the CLI's reads, ``flag-history``, and the flag trail on the run card."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner, Result
from pipelines import log, make_run

from mltrace_graph.cli import main
from mltrace_graph.store import review
from mltrace_graph.store.connection import Database

BEFORE_RERUN = "2026-01-01T00:05"


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def retrained(db: Database) -> Database:
    """ingest(1) -> train(2) -> predict(3) -> pred; at minute 10 train(4) -> predict(5)."""
    log(
        db,
        make_run("ingest", 0, [], ["raw"]),
        make_run("train", 1, ["raw"], ["model"]),
        make_run("predict", 2, ["model"], ["pred"]),
        make_run("train", 10, ["raw"], ["model"]),
        make_run("predict", 11, ["model"], ["pred"]),
    )
    return db


def test_trace_as_of_shows_the_old_producer(retrained: Database) -> None:
    result = cli("trace", "pred", "--as-of", BEFORE_RERUN)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "As of 2026-01-01T00:05:00+00:00:"
    assert [re.sub(r"  .*", "", line.lstrip("└├─ ")) for line in lines[2:5]] == [
        "[0] run 3 predict",
        "[1] run 2 train",
        "[2] run 1 ingest",
    ]
    data = json.loads(cli("trace", "pred", "--json").output)
    assert [n["id"] for n in data["nodes"] if n["kind"] == "run"] == ["run:5", "run:4", "run:1"]
    assert (data["as_of"], data["note"]) == (None, None)


def test_trace_as_of_before_the_first_run_says_so(retrained: Database) -> None:
    result = cli("trace", "pred", "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "pred\n  (nothing had been logged by 2025-12-31T00:00:00Z; "
        "the first run started 2026-01-01T00:00:00Z)\n"
    )
    data = json.loads(cli("trace", "pred", "--as-of", "2025-12-31", "--json").output)
    assert data["as_of"] == "2025-12-31T00:00:00+00:00"
    assert data["note"].startswith("nothing had been logged by 2025-12-31T00:00:00Z")


def test_a_bad_as_of_is_one_line_and_exit_1(retrained: Database) -> None:
    result = cli("trace", "pred", "--as-of", "last tuesday")
    assert result.exit_code == 1
    assert result.output == (
        "error: as_of must be a datetime or an ISO date string like 2026-01-05T09:30:00Z, "
        "got 'last tuesday'\n"
    )


def test_impact_history_and_recent_as_of_leave_out_later_runs(retrained: Database) -> None:
    impact = cli("impact", "1", "--as-of", BEFORE_RERUN)
    assert impact.output.splitlines() == [
        "As of 2026-01-01T00:05:00+00:00:",
        "Impact of run 1: 3 run(s), 3 output(s)",
        "  [0] run 1 ingest -> raw",
        "  [1] run 2 train -> model",
        "  [2] run 3 predict -> pred",
    ]
    history = json.loads(cli("history", "train", "--as-of", BEFORE_RERUN, "--json").output)
    assert [r["id"] for r in history] == [2]
    recent = json.loads(cli("recent", "--as-of", BEFORE_RERUN, "--json").output)
    assert [r["id"] for r in recent] == [3, 2, 1]
    assert cli("impact", "1", "--flag", "--as-of", BEFORE_RERUN).exit_code == 2


def test_review_as_of_and_flag_history(retrained: Database) -> None:
    retrained.write("MATCH (p:IOPointer {name: 'pred'}) SET p.flag = true")  # since ever
    assert cli("unflag", "pred").exit_code == 0
    assert cli("flag", "model").exit_code == 0
    then = json.loads(cli("review", "--as-of", BEFORE_RERUN, "--json").output)
    assert then["flagged"] == ["pred"]
    assert [r["run_id"] for r in then["runs"]] == [3, 2, 1]
    assert json.loads(cli("review", "--json").output)["flagged"] == ["model"]
    events = json.loads(cli("flag-history", "pred", "--json").output)
    assert [(e["output"], e["flagged"], e["by"]) for e in events] == [("pred", False, "local")]
    text = cli("flag-history", "pred").output
    assert re.fullmatch(r"  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC  unflagged  by local\n", text)
    assert cli("flag-history", "raw").output == "No flag events for raw.\n"
    missing = cli("flag-history", "nope")
    assert (missing.exit_code, missing.output) == (1, "error: no output named nope\n")
    assert review.review(retrained).flagged == ["model"]


def test_inspect_shows_the_flag_trail_of_the_runs_outputs(retrained: Database) -> None:
    assert cli("flag", "model").exit_code == 0
    card = cli("inspect", "4").output.splitlines()
    assert card[-2] == "Flag events:"
    assert re.fullmatch(r"  \S+ \S+ UTC  flagged   model  by local", card[-1])
    data = json.loads(cli("inspect", "4", "--json").output)
    assert [(e["output"], e["flagged"], e["by"]) for e in data["flag_events"]] == [
        ("model", True, "local")
    ]
    assert "Flag events:" not in cli("inspect", "1").output
