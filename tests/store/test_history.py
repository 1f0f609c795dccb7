"""History with date bounds and limits, recent runs with paging, components, tags, pointers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pipelines import T0, log, make_run

from mltrace_graph.errors import NotFoundError
from mltrace_graph.service import runs as run_service
from mltrace_graph.store import history
from mltrace_graph.store.connection import Database


def _ids(runs: list) -> list[int]:  # type: ignore[type-arg]
    return [run.id for run in runs]


def _five_trainings(db: Database) -> None:
    log(db, *[make_run("train", minute, [], [f"model{minute}.pkl"]) for minute in range(5)])
    log(db, make_run("serve", 10, ["model4.pkl"], ["pred"]))


def test_history_is_newest_first_and_limited(db: Database) -> None:
    _five_trainings(db)
    assert _ids(run_service.component_history(db, "train")) == [5, 4, 3, 2, 1]
    assert _ids(run_service.component_history(db, "train", limit=2)) == [5, 4]


def test_history_date_bounds_are_inclusive(db: Database) -> None:
    _five_trainings(db)
    runs = run_service.component_history(
        db, "train", since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=3)
    )
    assert _ids(runs) == [4, 3, 2]
    iso = run_service.component_history(db, "train", since=(T0 + timedelta(minutes=3)).isoformat())
    assert _ids(iso) == [5, 4]


def test_history_of_an_unknown_component_is_an_error(db: Database) -> None:
    with pytest.raises(NotFoundError, match=r"^no component named nope$"):
        run_service.component_history(db, "nope")
    with pytest.raises(ValueError, match="limit must be a positive int"):
        run_service.component_history(db, "train", limit=0)


def test_recent_run_ids_page_through_every_run_newest_first(db: Database) -> None:
    _five_trainings(db)
    assert run_service.recent_run_ids(db, limit=2) == [6, 5]
    assert run_service.recent_run_ids(db, limit=2, last_run_id=5) == [4, 3]
    assert run_service.recent_run_ids(db, limit=2, last_run_id=3) == [2, 1]
    assert run_service.recent_run_ids(db, limit=2, last_run_id=1) == []


def test_recent_paging_breaks_start_time_ties_by_id(db: Database) -> None:
    log(db, *[make_run("same", 0, [], [f"o{i}"]) for i in range(3)])
    assert run_service.recent_run_ids(db, limit=2) == [3, 2]
    assert run_service.recent_run_ids(db, limit=2, last_run_id=2) == [1]
    assert _ids(run_service.recent_runs(db, limit=1, last_run_id=3)) == [2]


def test_recent_after_an_unknown_run_is_an_error(db: Database) -> None:
    with pytest.raises(NotFoundError, match=r"^no run 99$"):
        run_service.recent_run_ids(db, last_run_id=99)


def test_component_run_reads_one_run_or_says_which_is_missing(db: Database) -> None:
    _five_trainings(db)
    run = history.component_run(db, 6)
    assert (run.component_name, [p.name for p in run.inputs], run.dependency_ids) == (
        "serve",
        ["model4.pkl"],
        [5],
    )
    with pytest.raises(NotFoundError, match=r"^no run 999$"):
        history.component_run(db, 999)


def _tag(db: Database) -> None:
    db.write(
        "MATCH (c:Component {name: 'train'}) SET c.owner = 'ana', c.description = 'fits' "
        "MERGE (t:Tag {name: 'ml'}) MERGE (c)-[:TAGGED]->(t) "
        "MERGE (u:Tag {name: 'daily'}) MERGE (c)-[:TAGGED]->(u) "
        "WITH 1 AS one MATCH (s:Component {name: 'serve'}) SET s.owner = 'bo' "
        "MERGE (t:Tag {name: 'ml'}) MERGE (s)-[:TAGGED]->(t)"
    )


def test_component_information_has_owner_tags_and_runs(db: Database) -> None:
    _five_trainings(db)
    _tag(db)
    info = history.component(db, "train")
    assert (info.name, info.owner, info.description, info.tags) == (
        "train",
        "ana",
        "fits",
        ["daily", "ml"],
    )
    assert (info.run_count, info.last_run_id) == (5, 5)
    assert info.last_run_start == T0 + timedelta(minutes=4)
    with pytest.raises(NotFoundError, match=r"^no component named nope$"):
        history.component(db, "nope")


def test_components_filter_by_tag_and_owner(db: Database) -> None:
    _five_trainings(db)
    _tag(db)
    assert [c.name for c in history.components(db)] == ["serve", "train"]
    assert [c.name for c in history.components(db, tag="ml")] == ["serve", "train"]
    assert [c.name for c in history.components(db, tag="daily")] == ["train"]
    assert [c.name for c in history.components(db, owner="bo")] == ["serve"]
    assert [c.name for c in history.components(db, tag="ml", owner="ana")] == ["train"]
    assert history.components(db, tag="none") == []
    assert history.tags(db) == ["daily", "ml"]


def test_io_pointer_is_created_on_demand_unless_asked_not_to(db: Database) -> None:
    with pytest.raises(NotFoundError, match=r"^no output named data\.csv$"):
        history.io_pointer(db, "data.csv", create=False)
    pointer = history.io_pointer(db, "data.csv", value="s3://x/data.csv")
    assert (pointer.name, pointer.value, pointer.pointer_type.value, pointer.flag) == (
        "data.csv",
        "s3://x/data.csv",
        "DATA",
        False,
    )
    assert history.io_pointer(db, "data.csv", create=False).value == "s3://x/data.csv"
