"""Component metadata, tags, run notes and wiping the lineage graph: one statement each."""

from __future__ import annotations

from collections.abc import Sequence

from mltrace_graph.errors import NotFoundError
from mltrace_graph.store.connection import Database

# Creates the component or updates its metadata; tags are added, never removed, as in
# mltrace (tag_component is the way to add more later).
UPSERT_COMPONENT = """
MERGE (c:Component {name: $name})
  ON CREATE SET c.created_at = datetime()
SET c.owner = $owner, c.description = $description
FOREACH (tag_name IN $tags |
  MERGE (t:Tag {name: tag_name})
  MERGE (c)-[:TAGGED]->(t))
RETURN c.name AS name
"""

# Tags an existing component; an unknown name changes nothing and reports found = false.
TAG_EXISTING_COMPONENT = """
OPTIONAL MATCH (c:Component {name: $name})
FOREACH (tag_name IN CASE WHEN c IS NULL THEN [] ELSE $tags END |
  MERGE (t:Tag {name: tag_name})
  MERGE (c)-[:TAGGED]->(t))
RETURN c IS NOT NULL AS found,
       COLLECT { MATCH (c)-[:TAGGED]->(t:Tag) RETURN t.name ORDER BY t.name } AS tags
"""

SET_RUN_NOTES = """
OPTIONAL MATCH (r:ComponentRun {id: $id})
FOREACH (run IN CASE WHEN r IS NULL THEN [] ELSE [r] END | SET run.notes = $notes)
RETURN r IS NOT NULL AS found
"""

# Everything but the applied-migrations record and the API tokens goes, so the schema and
# the server's access stay in place. Deleted in batches of their own transactions: one
# transaction over a large graph would run the local Neo4j out of heap.
DELETE_LINEAGE = """
MATCH (n) WHERE NOT n:SchemaMigration AND NOT n:ApiToken
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
RETURN count(*) AS deleted
"""


def upsert_component(
    db: Database, name: str, *, owner: str, description: str, tags: Sequence[str]
) -> None:
    """Creates a component, or replaces its owner and description and adds tags."""
    db.write(UPSERT_COMPONENT, name=name, owner=owner, description=description, tags=list(tags))


def tag_component(db: Database, name: str, tags: Sequence[str]) -> list[str]:
    """Adds tags to an existing component and returns all its tags, sorted."""
    [row] = db.write(TAG_EXISTING_COMPONENT, name=name, tags=list(tags))
    if not row["found"]:
        raise NotFoundError(
            "component", name, hint=f"create it first with create_component({name!r}, ...)"
        )
    return list(row["tags"])


def set_run_notes(db: Database, run_id: int, notes: str) -> None:
    """Replaces the notes of a run; an unknown id is a NotFoundError."""
    [row] = db.write(SET_RUN_NOTES, id=run_id, notes=notes)
    if not row["found"]:
        raise NotFoundError("run", run_id)


def delete_lineage(db: Database) -> int:
    """Deletes every component, run, pointer and tag; keeps the schema's records."""
    # IN TRANSACTIONS needs an auto-commit transaction; deleting twice is harmless.
    [row] = db.write_idempotent(DELETE_LINEAGE)
    return int(row["deleted"])
