"""Flags and the review: coverage counts, Ochiai scores, ordering, all-or-nothing flagging."""

from __future__ import annotations

import math

import pytest
from pipelines import log, make_run

from mltrace_graph.errors import NotFoundError
from mltrace_graph.store import review
from mltrace_graph.store.connection import Database


def _pipeline(db: Database) -> None:
    """ingest(1) -> clean(2) -> featA(3) -> predA(5), predA(6); clean -> featB(4) -> predB(7)."""
    log(
        db,
        make_run("ingest", 0, [], ["raw"]),
        make_run("clean", 1, ["raw"], ["clean"]),
        make_run("featA", 2, ["clean"], ["fa"]),
        make_run("featB", 3, ["clean"], ["fb"]),
        make_run("predA", 4, ["fa"], ["p1"]),
        make_run("predA", 5, ["fa"], ["p2"]),
        make_run("predB", 6, ["fb"], ["p3"]),
    )


def _rows(result: review.Review) -> list[tuple[int | None, int, int, float, float]]:
    return [
        (c.run.id, c.ef, c.ep, round(c.coverage, 4), round(c.ochiai, 4)) for c in result.culprits
    ]


def test_coverage_ranks_by_count_then_newer_run_first(db: Database) -> None:
    _pipeline(db)
    review.flag_outputs(db, ["p1", "p2"])
    result = review.review(db)
    assert result.flagged == ["p1", "p2"]
    assert [(c.run.id, c.ef, c.coverage) for c in result.culprits] == [
        (3, 2, 1.0),
        (2, 2, 1.0),
        (1, 2, 1.0),
        (6, 1, 0.5),
        (5, 1, 0.5),
    ]
    assert result.culprits[0].run.component_name == "featA"


def test_ochiai_matches_a_hand_computed_example(db: Database) -> None:
    # F = 2 flagged outputs (p1, p2). Unflagged outputs depending on each run (ep):
    # ingest: raw, clean, fa, fb, p3 = 5; clean: clean, fa, fb, p3 = 4; featA: fa = 1;
    # predA runs: none. Ochiai = ef / sqrt(F * (ef + ep)).
    _pipeline(db)
    review.flag_outputs(db, ["p1", "p2"])
    result = review.review(db, rank="ochiai")
    expected = [
        (3, 2, 1, 1.0, 2 / math.sqrt(2 * 3)),
        (6, 1, 0, 0.5, 1 / math.sqrt(2 * 1)),
        (5, 1, 0, 0.5, 1 / math.sqrt(2 * 1)),
        (2, 2, 4, 1.0, 2 / math.sqrt(2 * 6)),
        (1, 2, 5, 1.0, 2 / math.sqrt(2 * 7)),
    ]
    assert _rows(result) == [
        (i, ef, ep, cov, round(score, 4)) for i, ef, ep, cov, score in expected
    ]
    assert result.rank == "ochiai"


def test_an_output_re_produced_later_counts_only_for_its_latest_producer(db: Database) -> None:
    _pipeline(db)
    # featB re-runs from clean and re-produces fb: the old featB run (4) no longer feeds fb.
    log(db, make_run("featB", 7, ["clean"], ["fb"]))
    review.flag_outputs(db, ["p3"])
    by_id = {c.run.id: c for c in review.review(db, rank="ochiai").culprits}
    assert sorted(by_id) == [1, 2, 4, 7]
    assert (by_id[4].ef, by_id[4].ep) == (1, 0)  # p3 only: fb's latest producer is run 8
    # Run 8 depends on clean (2), so fb still depends on run 2: clean, fa, fb, p1, p2.
    assert (by_id[2].ef, by_id[2].ep) == (1, 5)


def test_review_limit_keeps_the_top_runs(db: Database) -> None:
    _pipeline(db)
    review.flag_outputs(db, "p1")
    assert [c.run.id for c in review.review(db, limit=2).culprits] == [5, 3]


def test_review_with_nothing_flagged_is_empty(db: Database) -> None:
    _pipeline(db)
    assert review.review(db) == review.Review(flagged=[], culprits=[], rank="coverage")


def test_a_flagged_raw_input_is_listed_and_counts_in_the_total(db: Database) -> None:
    _pipeline(db)
    log(db, make_run("other", 9, ["outside"], []))
    review.flag_outputs(db, ["outside", "p1"])
    result = review.review(db)
    assert result.flagged == ["outside", "p1"]
    assert [(c.run.id, c.coverage) for c in result.culprits][:1] == [(5, 0.5)]


def test_an_unknown_rank_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="rank must be one of coverage, ochiai"):
        review.review(db, rank="blame")


def test_flagging_an_unknown_output_flags_none_of_the_batch(db: Database) -> None:
    _pipeline(db)
    with pytest.raises(NotFoundError, match=r"^no output named nope$"):
        review.flag_outputs(db, ["p1", "nope"])
    assert review.review(db).flagged == []


def test_unflag_and_unflag_all_clear_flags(db: Database) -> None:
    _pipeline(db)
    assert review.flag_outputs(db, ["p1", "p2", "raw"]) == ["p1", "p2", "raw"]
    assert review.unflag_outputs(db, ["p2"]) == ["p2"]
    assert review.review(db).flagged == ["p1", "raw"]
    assert review.unflag_all(db) == 2
    assert review.review(db).flagged == []


# Each flagged output has its own chain of five runs: 2,500 flags and 12,500 candidates.
_WIDE_FLAGGED_HISTORY = """
UNWIND range(0, $chains - 1) AS chain
MERGE (c:Component {name: 'stage'})
CREATE (o:IOPointer {name: 'out-' + chain, flag: true, pointer_type: 'ENDPOINT'})
WITH c, chain, o
UNWIND range(0, 4) AS step
WITH c, chain, o, step, datetime('2026-01-01T00:00:00Z') + duration({minutes: step}) AS at
CREATE (r:ComponentRun {uid: chain + '-' + step, id: chain * 5 + step + 1,
                        component_name: 'stage', start_timestamp: at, end_timestamp: at})
CREATE (r)-[:RUN_OF]->(c)
WITH chain, o, collect(r) AS runs
FOREACH (i IN range(1, 4) | FOREACH (a IN [runs[i]] | FOREACH (b IN [runs[i - 1]] |
  CREATE (a)-[:DEPENDS_ON]->(b))))
WITH o, runs[4] AS last
CREATE (last)-[:PRODUCED]->(o)
"""


def test_an_unlimited_review_of_thousands_of_flags_fits_in_transaction_memory(
    db: Database,
) -> None:
    """With ``LIMIT 2**31 - 1`` standing in for "no limit", this ran out of memory."""
    db.write(_WIDE_FLAGGED_HISTORY, chains=2500)
    for rank in review.RANKS:
        result = review.review(db, rank=rank)
        assert len(result.flagged) == 2500
        assert len(result.culprits) == 12_500
        assert {(c.ef, c.ep) for c in result.culprits} == {(1, 0)}
