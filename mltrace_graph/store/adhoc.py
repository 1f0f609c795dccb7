"""Read-only ad hoc Cypher for platform engineers: layers so nothing commits or reaches out.

Community edition has no read-only role and no per-label privileges, so the guard is ours:

1. the query is tokenised in one pass (``store.lexer``: strings, comments and backticked
   names are split off first, so a ``//`` inside a string or a ``'`` inside a backticked name
   cannot hide a clause), and the tokens are checked. Refused whatever the plan says:
   ``LOAD CSV`` (reads files and URLs: a server-side request forgery), ``USE`` (other
   databases), every ``SHOW`` / ``TERMINATE`` and administration command (``SHOW
   TRANSACTIONS`` shows other clients' queries, ``TERMINATE TRANSACTIONS`` kills their writes,
   and both plan as read-only), ``CALL ... IN TRANSACTIONS`` (commits by itself), more than one
   statement, a leading ``EXPLAIN``/``PROFILE``/``CYPHER``, any procedure or function outside
   the allow-lists, ``reduce()`` and ``range()`` outside ``UNWIND range(...)`` (see below), and
   any name or string equal to the ``ApiToken`` label;
2. the query is planned with ``EXPLAIN`` and refused unless Neo4j reports it read-only
   (query type ``'r'``) — writes and schema commands are all refused;
3. it runs in a READ-mode explicit transaction with a timeout, that is always rolled back;
   only ``row_limit`` rows are fetched; and every value is rendered through a filter that
   hides ``ApiToken`` nodes and any string holding a stored token hash.

Why ``reduce()`` and ``range()``: Neo4j stops a transaction at its timeout (or at ``TERMINATE
TRANSACTION``) only between rows and inside operators; an expression evaluated within one
row is never interrupted. Measured on Neo4j 5.26.30 Community: ``RETURN size(reduce(s = "",
x IN range(1, 10000000) | s + "x"))`` was marked terminated at its 2 s timeout and kept one
core busy for as long as we watched (over 40 s), ``TERMINATE TRANSACTION`` changed nothing,
and a 20 MiB ``db.memory.transaction.max`` did not catch it either (the string never grew
large; the work is quadratic). The same held for ``[x IN range(1, 2000000000) WHERE x < 0]``.
``range()`` is the one way a short query makes an arbitrarily long list inside a row, and
``reduce()`` the one way to grow an accumulator across it; ``UNWIND range(...)`` makes rows,
which the timeout does stop.

The user's query text is the one place where Cypher comes from outside the store: it is
only ever planned and run in that rolled-back transaction, never concatenated with ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString

import neo4j
from neo4j import exceptions as neo4j_errors
from neo4j import graph as neo4j_graph

from mltrace_graph.errors import (
    AdhocQueryError,
    CypherRefusedError,
    MltraceGraphError,
    QueryTimeoutError,
)
from mltrace_graph.store import tokens as api_tokens
from mltrace_graph.store.connection import Database
from mltrace_graph.store.cypher_rules import (
    HIDDEN_LABEL,
    WRITES_REFUSED,
    check_text,
)

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_ROW_LIMIT = 1000
TRANSACTION_METADATA = {"app": "mltrace-graph adhoc"}
HIDDEN_VALUE = "[hidden]"
MIN_HIDDEN_FRAGMENT = 8

OPEN_DOOR_TRANSACTIONS = """
SHOW TRANSACTIONS YIELD transactionId, metaData, currentQuery, status, elapsedTime
WHERE metaData.app = $app
RETURN transactionId, currentQuery, status, elapsedTime
"""


@dataclass(frozen=True)
class AdhocResult:
    """Columns, JSON-ready rows, and whether ``row_limit`` cut the result short."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool


@dataclass(frozen=True)
class _Hider:
    """Hides what belongs to API tokens from a result: their nodes and their stored hashes."""

    hashes: frozenset[str]

    def string(self, value: str) -> str:
        for stored in self.hashes:
            if stored in value or (len(value) >= MIN_HIDDEN_FRAGMENT and value in stored):
                return HIDDEN_VALUE
        return value

    def plain(self, value: Any) -> Any:
        """Driver values as JSON-ready data: nodes, relationships and paths become maps."""
        if isinstance(value, str):
            return self.string(value)
        if value is None or isinstance(value, int | float | bool):
            return value
        if isinstance(value, neo4j_graph.Node):
            if HIDDEN_LABEL in value.labels:
                return None
            return {
                "elementId": value.element_id,
                "labels": sorted(value.labels),
                "properties": self.plain(dict(value)),
            }
        if isinstance(value, neo4j_graph.Relationship):
            return {
                "elementId": value.element_id,
                "type": value.type,
                "start": value.start_node.element_id if value.start_node else None,
                "end": value.end_node.element_id if value.end_node else None,
                "properties": self.plain(dict(value)),
            }
        if isinstance(value, neo4j_graph.Path):
            return {
                "nodes": [self.plain(n) for n in value.nodes],
                "relationships": [self.plain(r) for r in value.relationships],
            }
        if isinstance(value, list | tuple):
            return [self.plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): self.plain(v) for k, v in value.items()}
        if isinstance(value, bytes):
            return self.string(value.hex())
        return self.string(str(value))  # temporal and spatial values: their ISO / WKT text


def _planning_error(exc: neo4j_errors.Neo4jError) -> MltraceGraphError:
    """Whatever Neo4j says about the plan of a user's query is the user's to fix: 400."""
    if isinstance(exc, neo4j_errors.TransientError):
        return QueryTimeoutError(f"Neo4j could not plan the query now ({_message(exc)})")
    return AdhocQueryError(f"the query does not plan: {_message(exc)}")


def _running_error(exc: neo4j_errors.Neo4jError, timeout: float) -> MltraceGraphError:
    code = exc.code or ""
    if "TransactionTimedOut" in code or "Terminated" in code:
        return QueryTimeoutError(
            f"the query ran longer than {timeout:g} seconds and was stopped; add a LIMIT "
            f"or a tighter MATCH"
        )
    if "AccessMode" in code or "Forbidden" in code:
        return CypherRefusedError(WRITES_REFUSED)
    if "Memory" in code:
        return AdhocQueryError(
            f"the query needs more memory than Neo4j allows a transaction ({_message(exc)}); "
            f"add a LIMIT or a tighter MATCH"
        )
    if isinstance(exc, neo4j_errors.TransientError):
        return QueryTimeoutError(
            f"the query was stopped ({_message(exc)}); add a LIMIT or a tighter MATCH"
        )
    # Client and database errors about this query (a shortestPath between a node and
    # itself, a division by zero, a bad conversion): Neo4j rejected it, so it is a 400.
    return AdhocQueryError(f"the query failed: {_message(exc)}")


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
        except neo4j_errors.Neo4jError as exc:
            raise _planning_error(exc) from exc
        if plan.query_type != "r":
            raise CypherRefusedError(
                f"{WRITES_REFUSED} (the plan's query type is {plan.query_type!r}, not read-only)"
            )
        tx = session.begin_transaction(timeout=timeout, metadata=TRANSACTION_METADATA)
        try:
            result = tx.run(user_query, params)
            columns = list(result.keys())
            records = result.fetch(row_limit + 1)
            # Read in the same transaction, so a token created meanwhile is hidden too.
            hashes = tx.run(api_tokens.TOKEN_HASHES).single(strict=True)["hashes"]
        except neo4j_errors.Neo4jError as exc:
            raise _running_error(exc, timeout) from exc
        finally:
            # Never commit: whatever the query did, the transaction is rolled back.
            if not tx.closed():
                tx.rollback()
    hider = _Hider(frozenset(hashes))
    truncated = len(records) > row_limit
    rows = [[hider.plain(value) for value in record.values()] for record in records[:row_limit]]
    return AdhocResult(columns=columns, rows=rows, truncated=truncated)


def open_door_transactions(db: Database) -> list[dict[str, Any]]:
    """The door's transactions Neo4j still runs (none once a stopped query has let go)."""
    return db.read(OPEN_DOOR_TRANSACTIONS, app=TRANSACTION_METADATA["app"])


def _message(exc: neo4j_errors.Neo4jError) -> str:
    return (exc.message or str(exc)).strip().splitlines()[0]
