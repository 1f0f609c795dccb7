// /metrics counts stale runs on every lineage refresh: a range index on the warnings list
// turns "r.stale > []" (a non-empty list) into an index seek instead of a scan of every run.
CREATE INDEX component_run_stale IF NOT EXISTS FOR (r:ComponentRun) ON (r.stale);
