"""Programmatic run search, MLflow-style: filters in, one flat record per run out (one query).

Filters on params and metrics read the flat ``param.<key>`` / ``metric.<key>`` properties a
run carries beside its JSON ``params``/``metrics``, so they compare typed values in Cypher.
Filters and sort keys travel as ``$parameters`` (dynamic property access ``r[key]``); only
the entry point (component, tag, owner or start time, each index-backed) is chosen in Python
among fixed query texts. The records are what ``mltrace_graph.queries`` turns into a
DataFrame; pandas stays at that edge.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, LiteralString

from mltrace_graph.errors import InvalidInputError
from mltrace_graph.store.connection import Database
from mltrace_graph.store.history import EARLIEST, LATEST

OPERATORS = ("=", "!=", ">", ">=", "<", "<=")
_ATTRIBUTES = {
    "id": "id",
    "run_id": "id",
    "component": "component_name",
    "component_name": "component_name",
    "start_time": "start_timestamp",
    "start_timestamp": "start_timestamp",
    "end_time": "end_timestamp",
    "end_timestamp": "end_timestamp",
    "status": "status",
}
BASE_COLUMNS = [
    "run_id",
    "component_name",
    "owner",
    "status",
    "start_timestamp",
    "end_timestamp",
    "duration_seconds",
    "git_hash",
    "notes",
    "inputs",
    "outputs",
    "stale",
]

# Tag and owner enter through a subquery so the runs are expanded from the matching
# components: written as one pattern, the planner joined the owner seek with a range seek
# over every run's start_timestamp (3 s at 1M runs, even for an owner with no runs).
_ENTRY: dict[str, LiteralString] = {
    "component": (
        "MATCH (r:ComponentRun {component_name: $component})\n"
        "USING INDEX r:ComponentRun(component_name, start_timestamp)\n"
    ),
    "tag": (
        "MATCH (t:Tag {name: $tag})\n"
        "CALL (t) { MATCH (t)<-[:TAGGED]-(:Component)<-[:RUN_OF]-(r:ComponentRun) RETURN r }\n"
        "WITH r\n"
    ),
    "owner": (
        "MATCH (o:Component {owner: $owner})\n"
        "USING INDEX o:Component(owner)\n"
        "CALL (o) { MATCH (o)<-[:RUN_OF]-(r:ComponentRun) RETURN r }\n"
        "WITH r\n"
    ),
    "time": "MATCH (r:ComponentRun)\nUSING INDEX r:ComponentRun(start_timestamp)\n",
}

_WHERE: LiteralString = """WHERE r.start_timestamp >= $since AND r.start_timestamp <= $until
  AND ($component IS NULL OR r.component_name = $component)
  AND ($status IS NULL OR r.status = $status)
MATCH (r)-[:RUN_OF]->(c:Component)
WHERE ($owner IS NULL OR c.owner = $owner)
  AND ($tag IS NULL OR EXISTS { (c)-[:TAGGED]->(:Tag {name: $tag}) })
  AND all(f IN $filters WHERE
    CASE f.op
      WHEN '=' THEN r[f.prop] = f.value
      WHEN '!=' THEN r[f.prop] <> f.value
      WHEN '>' THEN r[f.prop] > f.value
      WHEN '>=' THEN r[f.prop] >= f.value
      WHEN '<' THEN r[f.prop] < f.value
      WHEN '<=' THEN r[f.prop] <= f.value
    END)
"""

# Up to three caller-chosen sort keys, each a (property, descending) pair read from $order;
# unused slots hold nulls and sort nothing. Every matching run is read and sorted.
_CALLER_ORDER: LiteralString = """WITH r, c ORDER BY
  CASE WHEN $order[0].desc THEN r[$order[0].prop] END DESC,
  CASE WHEN NOT $order[0].desc THEN r[$order[0].prop] END ASC,
  CASE WHEN $order[1].desc THEN r[$order[1].prop] END DESC,
  CASE WHEN NOT $order[1].desc THEN r[$order[1].prop] END ASC,
  CASE WHEN $order[2].desc THEN r[$order[2].prop] END DESC,
  CASE WHEN NOT $order[2].desc THEN r[$order[2].prop] END ASC,
  r.start_timestamp DESC, r.id DESC
"""

# Newest first, in the entry index's own order, so Neo4j reads the index backwards and
# stops after $max_results matches (see HISTORY in store.history). Entering by tag or
# owner there is no such index, and a plain newest-first order there made the planner walk
# the start_timestamp index over every run instead (2.3 s at 1M runs): those keep the
# sort written with CASE, which no index can serve.
_NEWEST_FIRST: dict[str, LiteralString] = {
    "component": "WITH r, c ORDER BY r.component_name DESC, r.start_timestamp DESC, r.id DESC\n",
    "time": "WITH r, c ORDER BY r.start_timestamp DESC, r.id DESC\n",
}

_RETURN: LiteralString = """LIMIT $max_results
RETURN r {.*} AS run, c.owner AS owner,
       COLLECT { MATCH (r)-[:CONSUMED]->(p:IOPointer) RETURN p.name ORDER BY p.name } AS inputs,
       COLLECT { MATCH (r)-[:PRODUCED]->(p:IOPointer) RETURN p.name ORDER BY p.name } AS outputs
"""


def search_query(entry: str, caller_order: bool) -> LiteralString:
    """The statement for one way in (component, tag, owner or time) and one kind of order."""
    order = _NEWEST_FIRST.get(entry, _CALLER_ORDER) if not caller_order else _CALLER_ORDER
    return _ENTRY[entry] + _WHERE + order + _RETURN


SEARCH_BY_COMPONENT = search_query("component", caller_order=False)
SEARCH_BY_TAG = search_query("tag", caller_order=False)
SEARCH_BY_OWNER = search_query("owner", caller_order=False)
SEARCH_BY_TIME = search_query("time", caller_order=False)

_TERM = re.compile(
    r"^\s*(params|param|metrics|metric|attributes|attribute)\.([\w.\-]+)\s*"
    r"(=|==|!=|<>|>=|<=|>|<)\s*(.+?)\s*$"
)


def _value(text: str) -> Any:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    try:
        return json.loads(text)
    except ValueError:
        return text


def _prop(kind: str, key: str) -> str:
    if kind.startswith("param"):
        return f"param.{key}"
    if kind.startswith("metric"):
        return f"metric.{key}"
    if key not in _ATTRIBUTES:
        raise InvalidInputError(
            f"unknown run attribute {key!r}; use one of {', '.join(sorted(_ATTRIBUTES))}",
            "order_by",
        )
    return _ATTRIBUTES[key]


def parse_filter(filter_string: str) -> list[dict[str, Any]]:
    """Parses ``"metrics.acc > 0.9 and params.model = 'tree'"`` into filter rows."""
    rows = []
    for term in re.split(r"\s+and\s+", filter_string.strip(), flags=re.IGNORECASE):
        if not term.strip():
            continue
        match = _TERM.match(term)
        if not match:
            raise InvalidInputError(
                f"cannot read the filter {term.strip()!r}: write "
                f"params.<key> <op> <value> or metrics.<key> <op> <value>, with <op> one of "
                f"{' '.join(OPERATORS)}, joined by 'and'",
                "filter_string",
            )
        kind, key, op, raw = match.groups()
        op = {"==": "=", "<>": "!="}.get(op, op)
        rows.append({"prop": _prop(kind, key), "op": op, "value": _value(raw)})
    return rows


def _condition(prop: str, condition: Any) -> dict[str, Any]:
    """A dict filter value: a plain value means equality; (op, value) picks the operator."""
    if isinstance(condition, tuple):
        if len(condition) != 2 or condition[0] not in OPERATORS:
            raise InvalidInputError(
                f"filter on {prop} must be a value or an (operator, value) pair with operator "
                f"one of {' '.join(OPERATORS)}, got {condition!r}",
                prop.partition(".")[0] + "s",
            )
        return {"prop": prop, "op": condition[0], "value": condition[1]}
    return {"prop": prop, "op": "=", "value": condition}


def parse_order_by(order_by: Sequence[str]) -> list[dict[str, Any]]:
    """``["metrics.acc DESC", "start_time"]`` into (property, descending) rows, up to 3."""
    if isinstance(order_by, str):
        order_by = [order_by]
    if len(order_by) > 3:
        raise InvalidInputError(
            f"order_by takes at most 3 keys, got {len(order_by)}: {order_by!r}", "order_by"
        )
    rows = []
    for item in order_by:
        parts = item.split()
        if (
            not parts
            or len(parts) > 2
            or (len(parts) == 2 and parts[1].upper() not in ("ASC", "DESC"))
        ):
            raise InvalidInputError(
                f"cannot read the order_by key {item!r}: write e.g. 'metrics.acc DESC'",
                "order_by",
            )
        kind, _, key = parts[0].partition(".")
        prop = _prop(kind, key) if key else _prop("attribute", kind)
        rows.append({"prop": prop, "desc": len(parts) == 2 and parts[1].upper() == "DESC"})
    return rows


def _native(value: Any) -> Any:
    native = value.to_native() if hasattr(value, "to_native") else value
    return native.astimezone(UTC) if isinstance(native, datetime) else native


@dataclass(frozen=True)
class SearchRows:
    """Matching runs as flat records (``run_id``, ..., ``params.<k>``, ``metrics.<k>``)."""

    columns: list[str]
    records: list[dict[str, Any]]


def search_runs(
    db: Database,
    *,
    component: str | None = None,
    tag: str | None = None,
    owner: str | None = None,
    since: datetime = EARLIEST,
    until: datetime = LATEST,
    status: str | None = None,
    params: Mapping[str, Any] | None = None,
    metrics: Mapping[str, Any] | None = None,
    filter_string: str | None = None,
    order_by: Sequence[str] | None = None,
    max_results: int = 1000,
) -> SearchRows:
    """Runs matching every given filter, one record each, params and metrics as columns.

    Columns are ``BASE_COLUMNS`` then ``params.<key>`` and ``metrics.<key>`` (sorted), as
    ``mlflow.search_runs`` names them. ``params``/``metrics`` map a key to a value (equality)
    or to an ``(operator, value)`` pair; ``filter_string`` takes MLflow's
    ``"metrics.acc > 0.9 and params.model = 'tree'"`` form. Rows are sorted by ``order_by``
    (up to three keys such as ``"metrics.acc DESC"``), then newest first.

    Raises:
        InvalidInputError: a filter or sort key cannot be read.
    """
    filters = [_condition(f"param.{k}", v) for k, v in (params or {}).items()]
    filters += [_condition(f"metric.{k}", v) for k, v in (metrics or {}).items()]
    if filter_string:
        filters += parse_filter(filter_string)
    order = parse_order_by(order_by or [])
    caller_order = bool(order)
    order += [{"prop": None, "desc": None}] * (3 - len(order))
    entry = "component" if component else "tag" if tag else "owner" if owner else "time"
    rows = db.read(
        search_query(entry, caller_order),
        component=component or None,
        tag=tag or None,
        owner=owner or None,
        status=status or None,
        since=since,
        until=until,
        filters=filters,
        order=order,
        max_results=max_results,
    )
    return _records(rows)


def _records(rows: list[dict[str, Any]]) -> SearchRows:
    records = []
    extra: set[str] = set()
    for row in rows:
        run = row["run"]
        start, end = _native(run.get("start_timestamp")), _native(run.get("end_timestamp"))
        record: dict[str, Any] = {
            "run_id": int(run["id"]),
            "component_name": run["component_name"],
            "owner": row.get("owner") or "",
            "status": run.get("status") or "success",
            "start_timestamp": start,
            "end_timestamp": end,
            "duration_seconds": (end - start).total_seconds() if start and end else None,
            "git_hash": run.get("git_hash"),
            "notes": run.get("notes") or "",
            "inputs": list(row["inputs"]),
            "outputs": list(row["outputs"]),
            "stale": list(run.get("stale") or []),
        }
        for key, value in json.loads(run.get("params") or "{}").items():
            record[f"params.{key}"] = value
        for key, value in json.loads(run.get("metrics") or "{}").items():
            record[f"metrics.{key}"] = value
        extra.update(k for k in record if k not in BASE_COLUMNS)
        records.append(record)
    return SearchRows(columns=BASE_COLUMNS + sorted(extra), records=records)
