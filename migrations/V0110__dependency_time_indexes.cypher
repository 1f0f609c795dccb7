// Dependencies by time (see RECORD_RUNS in store/runs.py and docs/logging.md): the writer
// asks "the latest producer of pointer p that had ended (or started) by time t" and "the
// consumers of p that started between t1 and t2". The edges carry the pointer name and the
// run's times so these indexes answer each question by reading the entries it needs,
// however many runs wrote or read p.
CREATE INDEX produced_pointer_end IF NOT EXISTS FOR ()-[e:PRODUCED]-() ON (e.pointer, e.run_end);
CREATE INDEX produced_pointer_start IF NOT EXISTS FOR ()-[e:PRODUCED]-() ON (e.pointer, e.run_start);
CREATE INDEX consumed_pointer_start IF NOT EXISTS FOR ()-[e:CONSUMED]-() ON (e.pointer, e.run_start);
// set_upstream(name): the latest run of the component that had ended by time t, and the
// runs naming the component that started between t1 and t2.
CREATE INDEX component_run_component_end IF NOT EXISTS FOR (r:ComponentRun) ON (r.component_name, r.end_timestamp);
CREATE INDEX names_upstream_component_start IF NOT EXISTS FOR ()-[e:NAMES_UPSTREAM]-() ON (e.component, e.run_start);
