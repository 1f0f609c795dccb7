"""Reads as of a time: the producer then, only runs started by then, the flags of then."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from pipelines import T0, log, make_run

from mltrace_graph.store import history, lineage, review
from mltrace_graph.store.connection import Database

BEFORE_RERUN = T0 + timedelta(minutes=5)
BEFORE_ANYTHING = T0 - timedelta(days=1)


def _retrained(db: Database) -> None:
    """ingest(1) -> train(2) -> predict(3) -> pred; at minute 10 train(4) -> predict(5) again."""
    log(
        db,
        make_run("ingest", 0, [], ["raw"]),
        make_run("train", 1, ["raw"], ["model"]),
        make_run("predict", 2, ["model"], ["pred"]),
        make_run("train", 10, ["raw"], ["model"]),
        make_run("predict", 11, ["model"], ["pred"]),
        make_run("report", 12, ["pred"], ["report.html"]),
    )


def _levels(graph: lineage.TraceGraph) -> list[tuple[int | None, int]]:
    return [(n.run_id, n.level) for n in graph.runs]


def test_trace_as_of_a_time_before_a_rerun_shows_the_old_producer(db: Database) -> None:
    _retrained(db)
    then = lineage.trace(db, "pred", as_of=BEFORE_RERUN)
    assert _levels(then) == [(3, 0), (2, 1), (1, 2)]
    assert then.as_of == BEFORE_RERUN and then.note is None
    now = lineage.trace(db, "pred")
    assert _levels(now) == [(5, 0), (4, 1), (1, 2)]
    assert now.as_of is None and now.note is None


def test_trace_as_of_after_the_rerun_shows_the_new_producer(db: Database) -> None:
    _retrained(db)
    after = lineage.trace(db, "pred", as_of=T0 + timedelta(minutes=11, seconds=30))
    assert _levels(after) == [(5, 0), (4, 1), (1, 2)]


def test_a_producer_still_running_at_as_of_comes_after_the_one_that_had_ended(
    db: Database,
) -> None:
    _retrained(db)
    # predict(5) started at 11:00 and ends at 11:05: at 11:02 run 3 is still the latest.
    during = lineage.trace(db, "pred", as_of=T0 + timedelta(minutes=11, seconds=2))
    assert _levels(during) == [(3, 0), (2, 1), (1, 2)]


def test_backtrace_as_of_uses_the_producer_of_then(db: Database) -> None:
    _retrained(db)
    then = lineage.backtrace(db, "pred", as_of=BEFORE_RERUN)
    assert [(level, run.id) for level, run in then] == [(0, 3), (1, 2), (2, 1)]
    assert [(level, run.id) for level, run in lineage.backtrace(db, "pred")] == [
        (0, 5),
        (1, 4),
        (2, 1),
    ]


def test_impact_as_of_excludes_runs_started_later(db: Database) -> None:
    _retrained(db)
    then = lineage.impact(db, run_id=1, as_of=BEFORE_RERUN)
    assert _levels(then) == [(1, 0), (2, 1), (3, 2)]
    assert sorted(n.pointer_name or "" for n in then.pointers) == ["model", "pred", "raw"]
    now = lineage.impact(db, run_id=1)
    assert _levels(now) == [(1, 0), (4, 1), (2, 1), (5, 2), (3, 2), (6, 3)]
    from_raw = lineage.impact(db, output_id="raw", as_of=BEFORE_RERUN)
    assert _levels(from_raw) == [(2, 1), (3, 2)]


def test_trace_as_of_before_the_first_run_is_empty_and_says_so(db: Database) -> None:
    _retrained(db)
    graph = lineage.trace(db, "pred", as_of=BEFORE_ANYTHING)
    assert graph.runs == []
    assert graph.note == (
        "nothing had been logged by 2025-12-31T00:00:00Z; "
        "the first run started 2026-01-01T00:00:00Z"
    )


def test_trace_of_an_output_not_produced_yet_says_when_it_was(db: Database) -> None:
    _retrained(db)
    graph = lineage.trace(db, "report.html", as_of=BEFORE_RERUN)
    assert graph.runs == []
    assert graph.note == (
        "report.html had not been produced by 2026-01-01T00:05:00Z; "
        "its first producer, run 6, started 2026-01-01T00:12:00Z"
    )


def test_impact_of_a_run_not_started_yet_says_when_it_started(db: Database) -> None:
    _retrained(db)
    graph = lineage.impact(db, run_id=5, as_of=BEFORE_RERUN)
    assert graph.runs == []
    assert graph.note == (
        "run 5 had not started by 2026-01-01T00:05:00Z; it started 2026-01-01T00:11:00Z"
    )


def test_history_and_recent_as_of_keep_the_runs_started_by_then(db: Database) -> None:
    _retrained(db)
    assert [r.id for r in history.history(db, "train", 10, as_of=BEFORE_RERUN)] == [2]
    assert [r.id for r in history.history(db, "train", 10)] == [4, 2]
    assert [r.id for r in history.recent_runs(db, 10, as_of=BEFORE_RERUN)] == [3, 2, 1]
    assert history.recent_run_ids(db, 2, as_of=BEFORE_RERUN) == [3, 2]
    assert history.recent_run_ids(db, 10, as_of=BEFORE_ANYTHING) == []


def test_review_as_of_ranks_the_producers_and_runs_of_then(db: Database) -> None:
    _retrained(db)
    # Flagged before flag events existed: no event, so flagged since ever.
    db.write("MATCH (p:IOPointer {name: 'pred'}) SET p.flag = true")
    then = review.review(db, as_of=BEFORE_RERUN)
    assert then.flagged == ["pred"]
    assert [(c.run.id, c.ef, c.ep) for c in then.culprits] == [(3, 1, 0), (2, 1, 1), (1, 1, 2)]
    now = review.review(db)
    assert [(c.run.id, c.ef, c.ep) for c in now.culprits] == [(5, 1, 1), (4, 1, 2), (1, 1, 3)]


def test_review_as_of_a_time_uses_the_flags_of_then(db: Database) -> None:
    start = datetime.now(UTC) - timedelta(hours=1)
    log(
        db,
        make_run("ingest", 0, [], ["raw"]),
        make_run("predict", 1, ["raw"], ["A"]),
        make_run("predict", 2, ["raw"], ["B"]),
    )
    db.write(
        "MATCH (r:ComponentRun) SET r.start_timestamp = $start + duration({minutes: r.id}), "
        "r.end_timestamp = $start + duration({minutes: r.id, seconds: 5})",
        start=start,
    )
    review.flag_outputs(db, ["A"])
    time.sleep(0.05)
    between = datetime.now(UTC)
    time.sleep(0.05)
    review.unflag_outputs(db, ["A"])
    review.flag_outputs(db, ["B"])
    then = review.review(db, as_of=between)
    assert then.flagged == ["A"]
    assert [(c.run.id, c.ef, c.ep) for c in then.culprits] == [(2, 1, 0), (1, 1, 2)]
    now = review.review(db)
    assert now.flagged == ["B"]
    assert [(c.run.id, c.ef, c.ep) for c in now.culprits] == [(3, 1, 0), (1, 1, 2)]
    before = review.review(db, as_of=start + timedelta(minutes=3))
    assert before.flagged == [] and before.note is None


def test_a_flag_set_before_events_existed_counts_until_its_first_event(db: Database) -> None:
    log(db, make_run("predict", 0, [], ["A"]))
    db.write("MATCH (p:IOPointer {name: 'A'}) SET p.flag = true")
    time.sleep(0.05)
    between = datetime.now(UTC)
    time.sleep(0.05)
    review.unflag_outputs(db, ["A"])
    assert review.review(db, as_of=between).flagged == ["A"]
    assert review.review(db).flagged == []


def test_review_as_of_before_the_first_run_is_empty_and_says_so(db: Database) -> None:
    _retrained(db)
    db.write("MATCH (p:IOPointer {name: 'pred'}) SET p.flag = true")
    result = review.review(db, as_of=BEFORE_ANYTHING)
    assert result.flagged == [] and result.culprits == []
    assert result.note == (
        "nothing had been logged by 2025-12-31T00:00:00Z; "
        "the first run started 2026-01-01T00:00:00Z"
    )
    assert review.review(db).note is None
