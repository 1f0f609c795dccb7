"""The mltrace-compatible query functions: names, arguments and return shapes."""

from __future__ import annotations

from datetime import datetime

import pytest
from pipelines import chain, diamond

import mltrace_graph as mltrace
from mltrace_graph.errors import NotFoundError
from mltrace_graph.store.connection import Database


def test_backtrace_of_a_ten_run_chain_matches_mltrace(db: Database) -> None:
    runs = chain(db, 10)
    trace = mltrace.backtrace("out10")
    assert [(level, run.id) for level, run in trace] == [
        (level, runs[9 - level].id) for level in range(10)
    ]


def test_review_flagged_outputs_returns_ids_and_run_counts(db: Database) -> None:
    diamond(db)
    assert mltrace.flag_output_id("b.out") is True
    assert mltrace.flag_output_id("c.out") is True
    flagged, counts = mltrace.review_flagged_outputs()
    assert flagged == ["b.out", "c.out"]
    assert [(run.id, count) for run, count in counts] == [(1, 2), (3, 1), (2, 1)]
    assert mltrace.unflag_output_id("b.out") is False
    assert mltrace.unflag_all() == 1


def test_web_trace_nests_runs_and_pointers_expanding_each_run_once(db: Database) -> None:
    diamond(db)
    [top] = mltrace.web_trace("d.out")
    assert (top["id"], top["label"]) == ("componentrun_4", "d")
    assert [child["id"] for child in top["childNodes"]] == ["iopointer_b.out", "iopointer_c.out"]
    b_run = top["childNodes"][0]["childNodes"][0]
    c_run = top["childNodes"][1]["childNodes"][0]
    assert (b_run["id"], c_run["id"]) == ("componentrun_2", "componentrun_3")
    a_under_b = b_run["childNodes"][0]["childNodes"][0]
    a_under_c = c_run["childNodes"][0]["childNodes"][0]
    assert a_under_b["id"] == a_under_c["id"] == "componentrun_1"
    assert "repeat" not in a_under_b
    assert a_under_c["repeat"] is True
    assert a_under_b["childNodes"][0]["id"] == "iopointer_src"


def test_run_information_accepts_string_ids_and_history_and_recent_work(db: Database) -> None:
    diamond(db)
    assert mltrace.get_component_run_information("3").component_name == "c"
    assert [r.id for r in mltrace.get_history("a")] == [1]
    assert mltrace.get_recent_run_ids(limit=2) == [4, 3]
    assert mltrace.get_recent_run_ids(limit=2, last_run_id=3) == [2, 1]
    assert [c.name for c in mltrace.get_components()] == ["a", "b", "c", "d"]
    info = mltrace.get_component_information("d")
    assert isinstance(info, mltrace.Component)
    assert (info.name, info.owner, info.tags) == ("d", "", [])
    assert mltrace.get_all_tags() == []
    assert mltrace.get_io_pointer("b.out").flag is False
    with pytest.raises(NotFoundError, match=r"^no run 77$"):
        mltrace.get_component_run_information(77)


def test_impact_and_flag_impact_and_search(db: Database) -> None:
    diamond(db)
    assert [n.run_id for n in mltrace.impact(run_id=3).runs] == [3, 4]
    assert mltrace.flag_impact(run_id=3) == ["c.out", "d.out"]
    assert [n.id for n in mltrace.trace_graph("c.out").runs] == ["run:3", "run:1"]
    assert list(mltrace.search_runs(component="d")["run_id"]) == [4]


def test_get_history_takes_mltrace_s_default_date_bounds(db: Database) -> None:
    diamond(db)
    runs = mltrace.get_history(
        "b",
        limit=10,
        date_lower=datetime(1, 1, 1, 0, 0),
        date_upper=datetime(9999, 12, 31, 23, 59, 59, 999999),
    )
    assert [run.id for run in runs] == [2]
    assert mltrace.get_history("b", date_lower="2026-01-01T00:02:00+00:00") == []
