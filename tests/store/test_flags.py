"""Flag events: every flag change leaves one, with its actor, in the write that made it."""

from __future__ import annotations

import pytest
from pipelines import log, make_run

from mltrace_graph.errors import NotFoundError
from mltrace_graph.store import flags, lineage, review
from mltrace_graph.store.connection import Database


def _trail(events: list[flags.FlagEvent]) -> list[tuple[str, bool, str]]:
    return [(e.output, e.flagged, e.by) for e in events]


def _pipeline(db: Database) -> None:
    log(
        db,
        make_run("ingest", 0, [], ["raw"]),
        make_run("predict", 1, ["raw"], ["p1", "p2"]),
    )


def test_flag_and_unflag_each_leave_one_event_only_when_the_flag_changes(db: Database) -> None:
    _pipeline(db)
    review.flag_outputs(db, ["p1", "p1"], actor="alice")
    review.flag_outputs(db, ["p1"], actor="bob")  # already flagged: no event
    review.unflag_outputs(db, ["p1"])
    review.unflag_outputs(db, ["p1", "p2"])  # neither flagged: no event
    history = flags.flag_history(db, "p1")
    assert _trail(history) == [("p1", False, "local"), ("p1", True, "alice")]
    assert history[0].at >= history[1].at
    assert flags.flag_history(db, "p2") == []


def test_unflag_all_and_flag_impact_record_events(db: Database) -> None:
    _pipeline(db)
    assert lineage.flag_impact(db, run_id=1, actor="carol") == ["p1", "p2", "raw"]
    assert lineage.flag_impact(db, output_id="raw", actor="carol") == ["p1", "p2", "raw"]
    assert review.unflag_all(db, actor="dave") == 3
    assert _trail(flags.flag_history(db, "raw")) == [
        ("raw", False, "dave"),
        ("raw", True, "carol"),
    ]
    assert lineage.flag_impact(db, output_id="raw", max_depth=0, actor="erin") == ["raw"]
    assert _trail(flags.flag_history(db, "raw"))[0] == ("raw", True, "erin")


def test_run_flag_history_lists_the_events_of_the_runs_outputs_newest_first(
    db: Database,
) -> None:
    _pipeline(db)
    review.flag_outputs(db, ["p1"], actor="alice")
    review.flag_outputs(db, ["p2", "raw"], actor="bob")
    trail = flags.run_flag_history(db, 2)
    assert _trail(trail) == [("p2", True, "bob"), ("p1", True, "alice")]
    assert flags.run_flag_history(db, 1) == flags.flag_history(db, "raw")


def test_flag_history_of_unknown_output_or_run_names_it(db: Database) -> None:
    with pytest.raises(NotFoundError) as output:
        flags.flag_history(db, "nope")
    assert output.value.ids == ("nope",)
    with pytest.raises(NotFoundError) as run:
        flags.run_flag_history(db, 42)
    assert run.value.ids == ("42",)
