"""Versioned Cypher migrations, applied in order and recorded in the graph.

A migration is a file ``V<number>__<name>.cypher`` holding statements separated by ``;``.
Each statement runs in its own transaction, because Neo4j does not allow schema commands
and data writes in one transaction. To keep "nothing partially applied" true even so, every
pending statement is first planned with ``EXPLAIN`` (which checks syntax and semantics
without running anything), and only when all of them plan does the first one run.
Statements must be idempotent (``IF NOT EXISTS``, ``MERGE``) so that two servers upgrading
at once, or a retry after a crash, converge on the same schema.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mltrace_graph.errors import MigrationError
from mltrace_graph.store.connection import Database

FILE_PATTERN = re.compile(r"^V(\d{4,})__([A-Za-z0-9_]+)\.cypher$")

APPLIED_MIGRATIONS = """
MATCH (m:SchemaMigration)
RETURN m.version AS version, m.name AS name, m.checksum AS checksum, m.applied_at AS applied_at
ORDER BY m.version
"""

RECORD_MIGRATION = """
MERGE (m:SchemaMigration {version: $version})
ON CREATE SET m.name = $name, m.checksum = $checksum, m.applied_at = datetime($applied_at)
"""


@dataclass(frozen=True)
class Migration:
    """One migration file, parsed."""

    version: int
    name: str
    path: Path
    checksum: str
    statements: tuple[str, ...]


@dataclass(frozen=True)
class MigrationStatus:
    """What ``db status`` shows: each known migration and whether it is applied."""

    version: int
    name: str
    applied_at: datetime | None


def default_directory() -> Path:
    """The installed copy (wheel) if present, else the repository's ``migrations/``."""
    packaged = Path(__file__).resolve().parent.parent / "_migrations"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "migrations"


def split_statements(text: str) -> list[str]:
    """Splits on ``;`` at the end of a line; ``//`` comment lines are dropped."""
    lines = [line for line in text.splitlines() if not line.strip().startswith("//")]
    chunks = re.split(r";[ \t]*(?:\n|$)", "\n".join(lines))
    return [chunk.strip() for chunk in chunks if chunk.strip()]


def load_migrations(directory: Path | None = None) -> list[Migration]:
    """Reads and orders the migration files; a misnamed or duplicate file is an error."""
    directory = directory or default_directory()
    if not directory.is_dir():
        raise MigrationError(f"migrations folder {directory} does not exist")
    found: dict[int, Migration] = {}
    for path in sorted(directory.iterdir()):
        if path.suffix != ".cypher":
            continue
        match = FILE_PATTERN.match(path.name)
        if not match:
            raise MigrationError(
                f"migration file {path} is misnamed: use V<4+ digits>__<name>.cypher, "
                f"for example V0002__run_indexes.cypher"
            )
        version = int(match.group(1))
        if version in found:
            raise MigrationError(
                f"migration files {found[version].path.name} and {path.name} share version "
                f"{version}; give one of them the next free number"
            )
        raw = path.read_bytes()
        statements = tuple(split_statements(raw.decode("utf-8")))
        if not statements:
            raise MigrationError(f"migration file {path} holds no Cypher statement")
        found[version] = Migration(
            version=version,
            name=match.group(2),
            path=path,
            checksum=hashlib.sha256(raw).hexdigest(),
            statements=statements,
        )
    return [found[v] for v in sorted(found)]


def _applied(db: Database) -> dict[int, dict[str, object]]:
    return {int(row["version"]): row for row in db.read(APPLIED_MIGRATIONS)}


def _pending(db: Database, directory: Path | None) -> list[Migration]:
    """Pending migrations, after checking that no applied one was edited since."""
    migrations = load_migrations(directory)
    applied = _applied(db)
    for migration in migrations:
        row = applied.get(migration.version)
        if row is not None and row["checksum"] != migration.checksum:
            raise MigrationError(
                f"migration {migration.path} was changed after it was applied (checksum "
                f"differs); restore the file and put the change in a new migration"
            )
    return [m for m in migrations if m.version not in applied]


def status(db: Database, directory: Path | None = None) -> list[MigrationStatus]:
    """Every migration file with the time it was applied, or ``None`` when pending."""
    applied = _applied(db)
    result = []
    for migration in load_migrations(directory):
        row = applied.get(migration.version)
        applied_at = row["applied_at"] if row else None
        result.append(
            MigrationStatus(
                version=migration.version,
                name=migration.name,
                applied_at=applied_at.to_native() if applied_at is not None else None,  # type: ignore[attr-defined]
            )
        )
    return result


def upgrade(db: Database, directory: Path | None = None) -> list[Migration]:
    """Applies pending migrations in order; returns those it applied (empty: no-op)."""
    pending = _pending(db, directory)
    for migration in pending:
        for number, statement in enumerate(migration.statements, start=1):
            try:
                db.read("EXPLAIN " + statement)
            except MigrationError:
                raise
            except Exception as exc:
                raise MigrationError(
                    f"migration {migration.path}, statement {number}, does not plan, so "
                    f"nothing was applied: {str(exc).splitlines()[0] if str(exc) else exc}"
                ) from exc
    for migration in pending:
        for number, statement in enumerate(migration.statements, start=1):
            try:
                # Auto-commit, so a data migration may batch itself with
                # CALL { ... } IN TRANSACTIONS (V0111); statements are idempotent anyway.
                db.write_idempotent(statement)
            except Exception as exc:
                raise MigrationError(
                    f"migration {migration.path}, statement {number}, failed: {exc}; the "
                    f"statements before it are applied and idempotent, so fix it and re-run"
                ) from exc
        db.write(
            RECORD_MIGRATION,
            version=migration.version,
            name=migration.name,
            checksum=migration.checksum,
            applied_at=datetime.now(UTC).isoformat(),
        )
    return pending
