"""Lineage health for the server: stale runs and the counts Prometheus scrapes."""

from __future__ import annotations

from dataclasses import dataclass

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.store.codec import RUN_PROJECTION, run_from_record
from mltrace_graph.store.connection import Database
from mltrace_graph.store.review import review

# Cheap at 1M runs: the run count comes from the count store, the flagged and stale counts
# from range-index seeks (io_pointer_flag; component_run_stale, where a non-empty list of
# warnings is exactly one that sorts after []). tests/server/test_metrics.py holds the plan.
LINEAGE_COUNTS = """
CALL () { MATCH (r:ComponentRun) RETURN count(r) AS runs }
CALL () { MATCH (p:IOPointer) WHERE p.flag = true RETURN count(p) AS flagged }
CALL () { MATCH (r:ComponentRun) WHERE r.stale > [] RETURN count(r) AS stale }
RETURN runs, flagged, stale
"""

STALE_RUNS = (
    """
MATCH (r:ComponentRun)-[:RUN_OF]->(c:Component)
WHERE size(coalesce(r.stale, [])) > 0
WITH r, c ORDER BY r.id DESC LIMIT $limit
RETURN """
    + RUN_PROJECTION
    + """ AS record
"""
)


@dataclass(frozen=True)
class LineageHealth:
    """Counts that say whether the lineage needs attention."""

    runs: int
    flagged_outputs: int
    stale_runs: int
    top_culprit_score: float


def lineage_counts(db: Database) -> tuple[int, int, int]:
    """Runs, flagged outputs and stale runs, in one round trip."""
    row = db.read(LINEAGE_COUNTS)[0]
    return int(row["runs"]), int(row["flagged"]), int(row["stale"])


def lineage_health(db: Database) -> LineageHealth:
    """The counts plus the top Ochiai score of review (two round trips)."""
    runs, flagged, stale = lineage_counts(db)
    top = review(db, rank="ochiai", limit=1).culprits if flagged else []
    return LineageHealth(
        runs=runs,
        flagged_outputs=flagged,
        stale_runs=stale,
        top_culprit_score=top[0].ochiai if top else 0.0,
    )


def stale_runs(db: Database, limit: int = 50) -> list[ComponentRun]:
    """The most recent runs carrying stale warnings, newest first."""
    return [run_from_record(row["record"]) for row in db.read(STALE_RUNS, limit=int(limit))]
