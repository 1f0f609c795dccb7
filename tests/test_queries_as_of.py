"""The Python API's ``as_of=`` keyword and flag history (mltrace's positional calls unchanged)."""

from __future__ import annotations

from pipelines import log, make_run

import mltrace_graph as mltrace
from mltrace_graph.store.connection import Database

BEFORE_RERUN = "2026-01-01T00:05:00"  # naive: UTC


def _retrained(db: Database) -> None:
    log(
        db,
        make_run("ingest", 0, [], ["raw"]),
        make_run("train", 1, ["raw"], ["model"]),
        make_run("predict", 2, ["model"], ["pred"]),
        make_run("train", 10, ["raw"], ["model"]),
        make_run("predict", 11, ["model"], ["pred"]),
    )


def test_every_public_read_takes_as_of(db: Database) -> None:
    _retrained(db)
    assert [r.id for _, r in mltrace.backtrace("pred", as_of=BEFORE_RERUN)] == [3, 2, 1]
    assert [r.id for _, r in mltrace.backtrace("pred", None)] == [5, 4, 1]
    assert [n.run_id for n in mltrace.trace_graph("pred", as_of=BEFORE_RERUN).runs] == [3, 2, 1]
    impact = mltrace.impact(run_id=1, as_of=BEFORE_RERUN)
    assert [n.run_id for n in impact.runs] == [1, 2, 3]
    assert [r.id for r in mltrace.get_history("train", 10, as_of=BEFORE_RERUN)] == [2]
    assert mltrace.get_recent_run_ids(10, as_of=BEFORE_RERUN) == [3, 2, 1]
    assert [r.id for r in mltrace.get_recent_runs(1, as_of=BEFORE_RERUN)] == [3]
    db.write("MATCH (p:IOPointer {name: 'pred'}) SET p.flag = true")
    flagged, counts = mltrace.review_flagged_outputs(as_of=BEFORE_RERUN)
    assert (flagged, [(r.id, n) for r, n in counts]) == (["pred"], [(3, 1), (2, 1), (1, 1)])
    assert mltrace.review_culprits("ochiai", 1, as_of="2025-01-01").note == (
        "nothing had been logged by 2025-01-01T00:00:00Z; "
        "the first run started 2026-01-01T00:00:00Z"
    )


def test_get_flag_history_lists_the_changes_newest_first(db: Database) -> None:
    _retrained(db)
    mltrace.flag_output_id("pred")
    mltrace.unflag_output_id("pred")
    events = mltrace.get_flag_history("pred")
    assert [(e.output, e.flagged, e.by) for e in events] == [
        ("pred", False, "local"),
        ("pred", True, "local"),
    ]
    assert mltrace.get_run_flag_history(5) == events
    assert mltrace.get_run_flag_history("3") == events
