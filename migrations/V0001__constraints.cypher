// Uniqueness constraints: each one also gives the index that MERGE and lookups seek on.
// Community edition supports only property-uniqueness constraints; required properties
// are checked in Python before anything is written.
CREATE CONSTRAINT component_name IF NOT EXISTS FOR (c:Component) REQUIRE c.name IS UNIQUE;
CREATE CONSTRAINT component_run_id IF NOT EXISTS FOR (r:ComponentRun) REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT component_run_uid IF NOT EXISTS FOR (r:ComponentRun) REQUIRE r.uid IS UNIQUE;
CREATE CONSTRAINT io_pointer_name IF NOT EXISTS FOR (p:IOPointer) REQUIRE p.name IS UNIQUE;
CREATE CONSTRAINT tag_name IF NOT EXISTS FOR (t:Tag) REQUIRE t.name IS UNIQUE;
CREATE CONSTRAINT sequence_name IF NOT EXISTS FOR (s:Sequence) REQUIRE s.name IS UNIQUE;
CREATE CONSTRAINT schema_migration_version IF NOT EXISTS FOR (m:SchemaMigration) REQUIRE m.version IS UNIQUE;
