"""Deleting the lineage graph (``mltrace-graph clear``, mltrace's ``clean_db``)."""

from __future__ import annotations

from mltrace_graph.store.connection import Database

# Batched deletes keep memory flat on large graphs; CALL ... IN TRANSACTIONS needs an
# auto-commit transaction, hence session.run below. Schema history is kept.
CLEAR_GRAPH = """
MATCH (n) WHERE NOT n:SchemaMigration
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
RETURN count(n) AS deleted
"""


def clear_graph(db: Database) -> int:
    """Deletes every component, run, pointer and tag (not the schema); returns the count."""
    with db.session() as session:
        record = session.run(CLEAR_GRAPH).single()
    return 0 if record is None else int(record["deleted"])
