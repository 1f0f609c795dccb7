"""Read-only ad hoc Cypher for platform engineers: three layers so nothing ever commits.

Community edition has no read-only role, so the guard is ours:

1. a text check refuses what a plan cannot reveal as dangerous: ``LOAD CSV`` (reads files
   and URLs), ``USE`` (other databases), ``CALL ... IN TRANSACTIONS`` (commits by itself),
   a leading ``EXPLAIN``/``PROFILE``/``CYPHER`` (would change what we plan), and any
   procedure outside a short allow-list of catalogue procedures;
2. the query is planned with ``EXPLAIN`` and refused unless Neo4j reports it read-only
   (query type ``'r'``) — writes, schema and administration commands are all refused;
3. it then runs in a READ-mode explicit transaction with a timeout, that is always rolled
   back, and only ``row_limit`` rows are fetched.

The user's query text is the one place where Cypher comes from outside the store: it is
only ever planned and run in that rolled-back transaction, never concatenated with ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, LiteralString

import neo4j
from neo4j import exceptions as neo4j_errors
from neo4j import graph as neo4j_graph

from mltrace_graph.errors import AdhocQueryError, CypherRefusedError, QueryTimeoutError
from mltrace_graph.store.connection import Database

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_ROW_LIMIT = 1000
MAX_QUERY_LENGTH = 20_000

# Catalogue procedures that only describe the graph; everything else (dbms.*, tx.*, db.create*,
# db.index.fulltext.*, ...) is refused, because some of them write or reach outside.
ALLOWED_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
        "dbms.components",
    }
)

_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", re.DOTALL)
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_LOAD_CSV = re.compile(r"\bLOAD\s+CSV\b", re.IGNORECASE)
_USE = re.compile(r"(^|[\s;{(])USE\s", re.IGNORECASE)
_IN_TRANSACTIONS = re.compile(r"\bIN\s+(\d+\s+)?(CONCURRENT\s+)?TRANSACTIONS\b", re.IGNORECASE)
_LEADING = re.compile(r"^\s*(EXPLAIN|PROFILE|CYPHER)\b", re.IGNORECASE)
_PROCEDURE = re.compile(r"\bCALL\s+([A-Za-z_][\w.]*)", re.IGNORECASE)

WRITES_REFUSED = "writes are not allowed here: this endpoint runs read-only Cypher"


@dataclass(frozen=True)
class AdhocResult:
    """Columns, JSON-ready rows, and whether ``row_limit`` cut the result short."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool


def _scannable(query: str) -> str:
    """The query without comments, string literals and backticks, for the text checks."""
    without_comments = _COMMENTS.sub(" ", query)
    return _STRINGS.sub("''", without_comments).replace("`", "")


def check_text(query: str) -> None:
    """Refuses what must not reach the planner; raises ``CypherRefusedError`` naming it."""
    if not isinstance(query, str) or not query.strip():
        raise AdhocQueryError("query must be a non-empty string of Cypher")
    if len(query) > MAX_QUERY_LENGTH:
        raise AdhocQueryError(
            f"query is {len(query)} characters long; the limit is {MAX_QUERY_LENGTH}"
        )
    text = _scannable(query)
    if _LOAD_CSV.search(text):
        raise CypherRefusedError(f"{WRITES_REFUSED} (LOAD CSV reads files and URLs)")
    if _USE.search(text):
        raise CypherRefusedError(f"{WRITES_REFUSED} (USE of another database)")
    if _IN_TRANSACTIONS.search(text):
        raise CypherRefusedError(f"{WRITES_REFUSED} (CALL ... IN TRANSACTIONS commits)")
    if _LEADING.search(text):
        raise CypherRefusedError(
            f"{WRITES_REFUSED} (leave out EXPLAIN, PROFILE and CYPHER options)"
        )
    for name in _PROCEDURE.findall(text):
        if name.lower() not in ALLOWED_PROCEDURES:
            raise CypherRefusedError(
                f"{WRITES_REFUSED} (procedure {name} is not on the allow-list: "
                f"{', '.join(sorted(ALLOWED_PROCEDURES))})"
            )


def _plain(value: Any) -> Any:
    """Driver values as JSON-ready data: nodes, relationships and paths become maps."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, neo4j_graph.Node):
        return {
            "elementId": value.element_id,
            "labels": sorted(value.labels),
            "properties": _plain(dict(value)),
        }
    if isinstance(value, neo4j_graph.Relationship):
        return {
            "elementId": value.element_id,
            "type": value.type,
            "start": value.start_node.element_id if value.start_node else None,
            "end": value.end_node.element_id if value.end_node else None,
            "properties": _plain(dict(value)),
        }
    if isinstance(value, neo4j_graph.Path):
        return {
            "nodes": [_plain(n) for n in value.nodes],
            "relationships": [_plain(r) for r in value.relationships],
        }
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.hex()
    return str(value)  # temporal and spatial values: their ISO / WKT-like text


def run_read_only(
    db: Database,
    query: str,
    params: dict[str, Any] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    row_limit: int = DEFAULT_ROW_LIMIT,
) -> AdhocResult:
    """Plans, checks and runs a user's query read-only; the transaction is always rolled back.

    Raises:
        CypherRefusedError: the query writes, changes schema, or uses a refused feature.
        AdhocQueryError: the query does not parse or plan, or ``params`` is not a map.
        QueryTimeoutError: it ran longer than ``timeout`` seconds.
    """
    check_text(query)
    if params is not None and not isinstance(params, dict):
        raise AdhocQueryError(f"params must be a JSON object, got {type(params).__name__}")
    params = params or {}
    # The user's text is deliberately dynamic here; it is planned and rolled back, never
    # committed (see the module docstring).
    user_query: LiteralString = query
    with db.session(default_access_mode=neo4j.READ_ACCESS) as session:
        try:
            plan = session.run("EXPLAIN " + user_query, params).consume()
        except neo4j_errors.ClientError as exc:
            raise AdhocQueryError(f"the query does not plan: {_message(exc)}") from exc
        if plan.query_type != "r":
            raise CypherRefusedError(
                f"{WRITES_REFUSED} (the plan's query type is {plan.query_type!r}, not read-only)"
            )
        tx = session.begin_transaction(timeout=timeout, metadata={"app": "mltrace-graph adhoc"})
        try:
            result = tx.run(user_query, params)
            columns = list(result.keys())
            records = result.fetch(row_limit + 1)
        except neo4j_errors.ClientError as exc:
            code = exc.code or ""
            if "TransactionTimedOut" in code or "Terminated" in code:
                raise QueryTimeoutError(
                    f"the query ran longer than {timeout:g} seconds and was stopped; add a LIMIT "
                    f"or a tighter MATCH"
                ) from exc
            if "AccessMode" in code or "Forbidden" in code:
                raise CypherRefusedError(WRITES_REFUSED) from exc
            raise AdhocQueryError(f"the query failed: {_message(exc)}") from exc
        except neo4j_errors.TransientError as exc:
            raise QueryTimeoutError(
                f"the query was stopped ({_message(exc)}); add a LIMIT or a tighter MATCH"
            ) from exc
        finally:
            # Never commit: whatever the query did, the transaction is rolled back.
            if not tx.closed():
                tx.rollback()
    truncated = len(records) > row_limit
    rows = [[_plain(value) for value in record.values()] for record in records[:row_limit]]
    return AdhocResult(columns=columns, rows=rows, truncated=truncated)


def _message(exc: neo4j_errors.Neo4jError) -> str:
    return (exc.message or str(exc)).strip().splitlines()[0]
