"""The diff reads: one round trip each, both walks pruning BFSs entered through an index."""

from __future__ import annotations

from mltrace_graph.service import diff
from mltrace_graph.store import diff as diff_store
from mltrace_graph.store.connection import Database
from tests.pipelines import diamond_ladder
from tests.store.test_plans import PRUNING, SCANS, CountingDatabase, _operators

SIDES = [{"key": "a", "output": "l9.left"}, {"key": "b", "output": "l8.right"}]


def test_diff_traces_and_diff_runs_are_one_round_trip_each(db: Database) -> None:
    diamond_ladder(db, 10)
    counting = CountingDatabase(db.settings)
    result = diff.diff_traces(counting, "l9.left", "l8.right")
    assert counting.calls == 1
    assert (len(result.pairs), len(result.only_in_a), len(result.only_in_b)) == (17, 2, 0)
    diff.diff_runs(counting, 1, 3)
    assert counting.calls == 2


def test_both_walks_of_a_diff_are_pruning_searches_from_an_index(db: Database) -> None:
    diamond_ladder(db, 10)
    db.write("CALL db.prepareForReplanning(60)")  # fresh statistics, as test_plans does
    for bound in (None, 3):
        operators = _operators(db, diff_store._bounded(bound), sides=SIDES, as_of=None)
        assert PRUNING in operators, bound
        assert not [op for op in operators if op.startswith("VarLengthExpand(All)")], bound
        assert not SCANS & set(operators), bound
        assert any("IndexSeek" in op for op in operators), bound
