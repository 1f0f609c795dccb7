"""Migrations apply once, in order, are recorded, and refuse edited or broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from mltrace_graph.errors import MigrationError
from mltrace_graph.store import migrations
from mltrace_graph.store.connection import Database

SHOW_INDEX = "SHOW INDEXES YIELD name WHERE name = $name RETURN name"


@pytest.fixture
def scratch(db: Database, tmp_path: Path) -> Path:
    """A private migrations folder; its versions start high so they never meet real ones."""
    yield tmp_path
    db.write("MATCH (m:SchemaMigration) WHERE m.version >= 9000 DELETE m")
    for name in ("test_mig_a", "test_mig_b"):
        db.write("DROP INDEX " + name + " IF EXISTS")


def test_project_migrations_are_applied_by_the_session_fixture(db: Database) -> None:
    rows = migrations.status(db)
    files = sorted(migrations.default_directory().glob("V*.cypher"))
    assert [r.version for r in rows] == [int(f.name[1:5]) for f in files]
    assert [r.version for r in rows[:2]] == [1, 2]
    assert all(r.applied_at is not None for r in rows)
    constraints = db.read("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")[0]
    assert {"component_name", "component_run_id", "io_pointer_name"} <= set(constraints["names"])


def test_upgrade_applies_in_order_once_and_rerun_is_a_no_op(db: Database, scratch: Path) -> None:
    (scratch / "V9002__second.cypher").write_text(
        "CREATE INDEX test_mig_b IF NOT EXISTS FOR (n:TestMig) ON (n.b);\n"
    )
    (scratch / "V9001__first.cypher").write_text(
        "// a comment line\nCREATE INDEX test_mig_a IF NOT EXISTS FOR (n:TestMig) ON (n.a);\n"
    )
    applied = migrations.upgrade(db, scratch)
    assert [m.version for m in applied] == [9001, 9002]
    assert db.read(SHOW_INDEX, name="test_mig_a") and db.read(SHOW_INDEX, name="test_mig_b")
    recorded = db.read(
        "MATCH (m:SchemaMigration) WHERE m.version >= 9000 "
        "RETURN m.version AS v, m.name AS name, m.checksum AS sum ORDER BY v"
    )
    assert [(r["v"], r["name"]) for r in recorded] == [(9001, "first"), (9002, "second")]
    assert all(len(r["sum"]) == 64 for r in recorded)
    assert migrations.upgrade(db, scratch) == []


def test_a_changed_applied_file_is_an_error_naming_it(db: Database, scratch: Path) -> None:
    path = scratch / "V9001__first.cypher"
    path.write_text("CREATE INDEX test_mig_a IF NOT EXISTS FOR (n:TestMig) ON (n.a);\n")
    migrations.upgrade(db, scratch)
    path.write_text("CREATE INDEX test_mig_a IF NOT EXISTS FOR (n:TestMig) ON (n.changed);\n")
    (scratch / "V9002__second.cypher").write_text(
        "CREATE INDEX test_mig_b IF NOT EXISTS FOR (n:TestMig) ON (n.b);\n"
    )
    with pytest.raises(MigrationError, match=r"V9001__first\.cypher was changed"):
        migrations.upgrade(db, scratch)
    assert not db.read(SHOW_INDEX, name="test_mig_b"), "nothing after the check may run"


def test_a_broken_statement_applies_nothing_of_any_pending_file(
    db: Database, scratch: Path
) -> None:
    (scratch / "V9001__first.cypher").write_text(
        "CREATE INDEX test_mig_a IF NOT EXISTS FOR (n:TestMig) ON (n.a);\n"
    )
    (scratch / "V9002__broken.cypher").write_text(
        "CREATE INDEX test_mig_b IF NOT EXISTS FOR (n:TestMig) ON (n.b);\nCRETE (n:Oops);\n"
    )
    with pytest.raises(MigrationError, match=r"V9002__broken.cypher, statement 2, does not plan"):
        migrations.upgrade(db, scratch)
    assert not db.read(SHOW_INDEX, name="test_mig_a")
    assert not db.read(SHOW_INDEX, name="test_mig_b")
    assert not db.read("MATCH (m:SchemaMigration) WHERE m.version >= 9000 RETURN m")


@pytest.mark.parametrize(
    ("name", "message"),
    [("9001_no_prefix.cypher", "misnamed"), ("V9001__empty.cypher", "holds no Cypher")],
)
def test_malformed_folders_are_refused(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / name).write_text("// only a comment\n")
    with pytest.raises(MigrationError, match=message):
        migrations.load_migrations(tmp_path)


def test_two_files_with_one_version_are_refused(tmp_path: Path) -> None:
    (tmp_path / "V9001__a.cypher").write_text("RETURN 1;\n")
    (tmp_path / "V9001__b.cypher").write_text("RETURN 2;\n")
    with pytest.raises(MigrationError, match="share version 9001"):
        migrations.load_migrations(tmp_path)
