// Gives the PRODUCED and CONSUMED edges written before V0110 the pointer name and run times
// the time-ordered dependency lookups read (batched: a large graph's edges do not fit one
// transaction). Runs logged before this had their set_upstream names not stored, so a
// late producer cannot re-link those; their existing DEPENDS_ON edges are kept as they are.
MATCH (r:ComponentRun)-[e:PRODUCED]->(p:IOPointer)
WHERE e.pointer IS NULL
CALL (r, e, p) {
  SET e.pointer = p.name, e.run_start = r.start_timestamp, e.run_end = r.end_timestamp
} IN TRANSACTIONS OF 5000 ROWS;
MATCH (r:ComponentRun)-[e:CONSUMED]->(p:IOPointer)
WHERE e.pointer IS NULL
CALL (r, e, p) {
  SET e.pointer = p.name, e.run_start = r.start_timestamp
} IN TRANSACTIONS OF 5000 ROWS;
