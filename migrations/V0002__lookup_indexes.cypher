// Range indexes for the lineage queries' entry points and filters.
// History of a component, newest first: component_name + start time.
CREATE INDEX component_run_history IF NOT EXISTS FOR (r:ComponentRun) ON (r.component_name, r.start_timestamp);
// Recent runs and date-bounded searches across components.
CREATE INDEX component_run_start IF NOT EXISTS FOR (r:ComponentRun) ON (r.start_timestamp);
// Review starts from the flagged outputs only.
CREATE INDEX io_pointer_flag IF NOT EXISTS FOR (p:IOPointer) ON (p.flag);
CREATE INDEX component_owner IF NOT EXISTS FOR (c:Component) ON (c.owner);
