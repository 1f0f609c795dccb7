// set_upstream(name) depends on the latest earlier run of a component: with this index the
// writer reads one entry (highest id below the new run's) instead of every run of the name.
CREATE INDEX component_run_component_id IF NOT EXISTS FOR (r:ComponentRun) ON (r.component_name, r.id);
