"""The service's as_of: one validator for every read, pages as of a time, the flag trail."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pipelines import log, make_run

from mltrace_graph.errors import InvalidInputError, NotFoundError
from mltrace_graph.service import flags, lineage, review, runs
from mltrace_graph.store.connection import Database


@pytest.fixture
def retrained(db: Database) -> Database:
    log(
        db,
        make_run("train", 1, [], ["model"]),
        make_run("predict", 2, ["model"], ["pred"]),
        make_run("train", 10, [], ["model"]),
        make_run("predict", 11, ["model"], ["pred"]),
    )
    return db


@pytest.mark.parametrize(
    "read",
    [
        lambda db: lineage.trace(db, "pred", as_of="soon"),
        lambda db: lineage.backtrace(db, "pred", as_of="soon"),
        lambda db: lineage.impact(db, run_id=1, as_of="soon"),
        lambda db: review.review(db, as_of="soon"),
        lambda db: runs.component_history(db, "train", as_of="soon"),
        lambda db: runs.recent_run_ids(db, as_of="soon"),
        lambda db: runs.recent_page(db, as_of="soon"),
    ],
)
def test_every_read_refuses_a_bad_as_of_naming_the_argument(
    retrained: Database, read: Callable[[Database], object]
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        read(retrained)
    assert refused.value.field == "as_of"


def test_pages_as_of_a_time_hold_the_runs_started_by_then(retrained: Database) -> None:
    page = runs.recent_page(retrained, first=1, as_of="2026-01-01T00:05:00Z")
    assert ([r.id for r in page.runs], page.has_next_page) == ([2], True)
    rest = runs.recent_page(retrained, first=5, after=page.end_cursor, as_of="2026-01-01T00:05Z")
    assert ([r.id for r in rest.runs], rest.has_next_page) == ([1], False)
    history = runs.history_page(retrained, "train", first=5, as_of="2026-01-01T00:05:00Z")
    assert [r.id for r in history.runs] == [1]


def test_flag_history_through_the_service_validates_and_names_what_is_missing(
    retrained: Database,
) -> None:
    review.flag(retrained, "pred", actor="ana")
    assert [(e.output, e.flagged, e.by) for e in flags.run_flag_history(retrained, "4")] == [
        ("pred", True, "ana")
    ]
    with pytest.raises(InvalidInputError):
        flags.flag_history(retrained, "")
    with pytest.raises(NotFoundError) as missing:
        flags.run_flag_history(retrained, 99)
    assert missing.value.ids == ("99",)
