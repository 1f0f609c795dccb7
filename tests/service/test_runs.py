"""Run paging and lookups through the service, and mltrace's history shapes at the API edge."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from pipelines import log, make_run

import mltrace_graph as mltrace
from mltrace_graph.cli import main
from mltrace_graph.errors import InvalidInputError, NotFoundError
from mltrace_graph.service import runs
from mltrace_graph.store.connection import Database


def _crowded(db: Database) -> None:
    """120 runs of 'train': 60 share one start time, the others have their own.

    60 is more than the 50 extra rows the old pages re-read for a shared start time.
    """
    shared = [make_run("train", 500, [], [f"shared{i}"]) for i in range(60)]
    alone = [make_run("train", minute, [], [f"alone{minute}"]) for minute in range(60)]
    log(db, *alone[:30], *shared, *alone[30:])


def test_history_pages_return_every_run_once_when_many_share_a_start_time(db: Database) -> None:
    _crowded(db)
    seen: list[int] = []
    after = None
    while True:
        page = runs.history_page(db, "train", first=7, after=after)
        seen += [int(r.id or 0) for r in page.runs]
        assert len(page.runs) <= 7
        if not page.has_next_page:
            break
        after = page.end_cursor
    assert len(seen) == 120
    assert sorted(seen) == list(range(1, 121))
    everything = runs.component_history(db, "train", limit=None)
    assert seen == [int(r.id or 0) for r in everything]


def test_get_history_of_a_component_without_runs_is_empty_as_in_mltrace(db: Database) -> None:
    assert mltrace.get_history("never-logged") == []
    mltrace.create_component("planned", "not run yet", "ana")
    assert mltrace.get_history("planned") == []


def test_limit_none_means_every_run(db: Database) -> None:
    log(db, *[make_run("train", minute, [], [f"m{minute}"]) for minute in range(25)])
    assert len(mltrace.get_history("train", limit=None)) == 25
    assert len(mltrace.get_history("train")) == 10
    assert mltrace.get_recent_run_ids(limit=None) == list(range(25, 0, -1))
    assert len(mltrace.get_recent_runs(limit=None)) == 25
    assert len(mltrace.review_flagged_outputs(limit=None)[1]) == 0
    with pytest.raises(InvalidInputError, match=r"^limit must be a positive int, got 0$"):
        mltrace.get_history("train", limit=0)


def test_not_found_carries_its_kind_and_ids_through_python_and_cli(db: Database) -> None:
    log(db, make_run("a", 0, [], ["a.out"]))
    with pytest.raises(NotFoundError) as raised:
        mltrace.get_component_run_information(77)
    assert (raised.value.kind, raised.value.ids, str(raised.value)) == ("run", ("77",), "no run 77")
    with pytest.raises(NotFoundError) as several:
        mltrace.flag_output_id("nope")
    assert (several.value.kind, several.value.ids) == ("output", ("nope",))
    with pytest.raises(NotFoundError) as component:
        mltrace.get_component_information("ghost")
    assert (component.value.kind, component.value.ids) == ("component", ("ghost",))
    result = CliRunner().invoke(main, ["flag", "a.out", "nope", "gone"])
    assert (result.exit_code, result.output) == (1, "error: no outputs named gone, nope\n")


def test_mltrace_s_older_component_lookups_filter_by_owner_and_tag(db: Database) -> None:
    mltrace.create_component("clean", "cleans", "ana", tags=["etl"])
    mltrace.create_component("train", "fits", "bo", tags=["ml"])
    assert [c.name for c in mltrace.get_components_with_owner("ana")] == ["clean"]
    assert [c.name for c in mltrace.get_components_with_tag("ml")] == ["train"]
    log(db, make_run("clean", 0, [], ["c.out"]))
    assert [r.id for _, r in mltrace.backtrace(output_pointer="c.out")] == [1]
