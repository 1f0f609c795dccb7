"""The one serialised form of a logged run: the wire row.

Every path a run takes to the graph carries this row and nothing else: the Bolt writer
(``store.runs.write_rows``), the HTTP client (the ``logComponentRuns`` mutation's ``rows``
argument), the spool (one row per JSON line) and ``mltrace-graph sync``. So "nothing is
lost on the way" is a property of one function pair, ``encode_run`` / ``decode_row``,
rather than of several converters that must agree. ``apply_written`` is the one place
the answer (id, stale warnings, dependency ids) is set back on a run.

A row is plain JSON: timestamps are ISO 8601 text in UTC, pointer values keep their JSON
type (``42`` stays an int), params and test results are JSON-normalised once here.
``VERSION`` is written into every row; ``decode_row`` also reads the version-1 rows that
earlier releases left in spools.

Example row::

    {"v": 2, "uid": "9f1c...", "component_name": "train",
     "component": {"owner": "ana", "description": "Fits the model", "tags": ["ml"]},
     "start_timestamp": "2026-12-01T09:00:00+00:00", "end_timestamp": "...",
     "inputs": [{"name": "features.csv", "value": "", "pointer_type": "DATA"}],
     "outputs": [{"name": "model.pkl", "value": 42, "pointer_type": "MODEL"}],
     "upstream": [], "dependencies_from_inputs": true, "staleness_threshold": 2592000,
     "notes": "", "git_hash": "a1b2c3", "git_tags": [], "code_snapshot": "def f(): ...",
     "status": "success", "params": {"alpha": 0.5}, "metrics": {"rmse": 1.7},
     "metric_steps": {"loss": [[0, 0.9], [1, 0.4]]}, "test_results": []}
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import IOPointer, PointerType, validate_name
from mltrace_graph.errors import InvalidInputError, MissingTimestampError

VERSION = 2
DEFAULT_STALENESS_THRESHOLD = 60 * 60 * 24 * 30
STATUSES = ("success", "failed")
MAX_UID = 200
MAX_VALUE_CHARS = 1000
_POINTER_TYPES = frozenset(t.value for t in PointerType)

Row = dict[str, Any]


# --- encoding: entity -> row ---------------------------------------------------------------


def pointer_value(value: Any) -> Any:
    """A pointer value as JSON keeps it: plain scalars as they are, anything else as text."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and getattr(value, "shape", None) == ():
        return pointer_value(item())
    return repr(value)[:MAX_VALUE_CHARS]


def _json_default(value: Any) -> Any:
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == ():
        return item()
    return str(value)


def _normalised(value: Any) -> Any:
    """``value`` as JSON will read it back (tuples become lists, numpy scalars numbers)."""
    return json.loads(json.dumps(value, default=_json_default))


def _pointer(pointer: IOPointer) -> Row:
    return {
        "name": pointer.name,
        "value": pointer_value(pointer.value),
        "pointer_type": pointer.pointer_type.value,
    }


def encode_run(
    run: ComponentRun,
    *,
    dependencies_from_inputs: bool = True,
    staleness_threshold: int = DEFAULT_STALENESS_THRESHOLD,
) -> Row:
    """The wire row of one run, checked by the same validator the server uses.

    Raises:
        MissingTimestampError: a timestamp is not set (also a ``RuntimeError``, as mltrace's).
        InvalidInputError: anything else a server would refuse, naming the field.
    """
    for name, value in (("start", run.start_timestamp), ("end", run.end_timestamp)):
        if value is None:
            raise MissingTimestampError(
                f"run of component {run.component_name!r} has no {name}_timestamp; call "
                f"set_start_timestamp() and set_end_timestamp() before logging it",
                field=f"{name}_timestamp",
            )
    component = None
    if run.owner or run.component_description or run.component_tags:
        component = {
            "owner": run.owner or "",
            "description": run.component_description or "",
            "tags": list(run.component_tags),
        }
    row: Row = {
        "v": VERSION,
        "uid": run.uid,
        "component_name": run.component_name,
        "component": component,
        "start_timestamp": run.start_timestamp.isoformat(),  # type: ignore[union-attr]
        "end_timestamp": run.end_timestamp.isoformat(),  # type: ignore[union-attr]
        "inputs": [_pointer(p) for p in run.inputs],
        "outputs": [_pointer(p) for p in run.outputs],
        "upstream": list(run.dependencies),
        "dependencies_from_inputs": bool(dependencies_from_inputs),
        "staleness_threshold": staleness_threshold,
        "notes": run.notes,
        "git_hash": run.git_hash,
        "git_tags": list(run.git_tags),
        "code_snapshot": run.code_snapshot,
        "status": run.status,
        "params": _normalised(run.params) if run.params else {},
        "metrics": dict(run.metrics),
        "metric_steps": {k: [[s, v] for s, v in steps] for k, steps in run.metric_steps.items()},
        "test_results": _normalised(run.test_results) if run.test_results else [],
    }
    return check_row(row, "run")


# --- decoding and the one validator ---------------------------------------------------------


def _fail(message: str, field: str) -> InvalidInputError:
    return InvalidInputError(f"{field}: {message}", field=field)


def _str(row: Mapping[str, Any], key: str, where: str, *, optional: bool = False) -> str | None:
    value = row.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _fail(f"must be a string, got {value!r}", f"{where}.{key}")
    return value


def _strings(row: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = row.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(f"must be a list of strings, got {value!r}", f"{where}.{key}")
    return [validate_name(v, f"{where}.{key} item") for v in value]


def _timestamp(row: Mapping[str, Any], key: str, where: str) -> datetime:
    text = _str(row, key, where)
    try:
        value = datetime.fromisoformat(text)  # type: ignore[arg-type]
    except ValueError:
        raise _fail(f"must be an ISO 8601 timestamp, got {text!r}", f"{where}.{key}") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _pointers(row: Mapping[str, Any], key: str, where: str) -> list[Row]:
    items = row.get(key, [])
    if not isinstance(items, list):
        raise _fail(f"must be a list of pointers, got {items!r}", f"{where}.{key}")
    out = []
    for i, item in enumerate(items):
        at = f"{where}.{key}[{i}]"
        if not isinstance(item, dict):
            raise _fail(f"must be an object with a name, got {item!r}", at)
        try:
            name = validate_name(item.get("name"), f"{at}.name")
        except (TypeError, ValueError) as exc:
            raise _fail(str(exc), f"{at}.name") from None
        value = item.get("value", "")
        if not (value is None or isinstance(value, str | bool | int | float)):
            raise _fail(f"must be a string, number, boolean or null, got {value!r}", at)
        kind = item.get("pointer_type")
        if kind not in _POINTER_TYPES:
            raise _fail(
                f"pointer_type must be one of {', '.join(sorted(_POINTER_TYPES))}, got {kind!r}",
                f"{at}.pointer_type",
            )
        out.append({"name": name, "value": value, "pointer_type": kind})
    return out


def _object(row: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    value = row.get(key) or {}
    if not isinstance(value, dict):
        raise _fail(f"must be a JSON object, got {value!r}", f"{where}.{key}")
    return value


def _metrics(row: Mapping[str, Any], where: str) -> dict[str, float]:
    metrics = _object(row, "metrics", where)
    for key, value in metrics.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(f"must be a number, got {value!r}", f"{where}.metrics.{key}")
    return {k: float(v) for k, v in metrics.items()}


def _metric_steps(row: Mapping[str, Any], where: str) -> dict[str, list[list[float]]]:
    steps = _object(row, "metric_steps", where)
    out: dict[str, list[list[float]]] = {}
    for key, pairs in steps.items():
        at = f"{where}.metric_steps.{key}"
        ok = isinstance(pairs, list) and all(
            isinstance(p, list)
            and len(p) == 2
            and isinstance(p[0], int)
            and not isinstance(p[0], bool)
            and isinstance(p[1], int | float)
            and not isinstance(p[1], bool)
            for p in pairs
        )
        if not ok:
            raise _fail(f"must be a list of [step, value] pairs, got {pairs!r}", at)
        out[key] = [[int(s), float(v)] for s, v in pairs]
    return out


def check_row(row: Mapping[str, Any], where: str = "run") -> Row:
    """Validates a row from any source; returns it normalised. The only run validator.

    Raises:
        InvalidInputError: naming the field (``runs[3].outputs[0].name``) and the value.
    """
    if not isinstance(row, Mapping):
        raise _fail(f"must be a JSON object, got {type(row).__name__}", where)
    if row.get("v", 1) == 1 and "props" in row:
        row = _from_version_1(row)
    if row.get("v") != VERSION:
        raise _fail(f"row version {row.get('v')!r} is not known (this is {VERSION})", f"{where}.v")
    uid = _str(row, "uid", where)
    if not uid or not uid.strip() or len(uid) > MAX_UID:
        raise _fail(f"must be 1 to {MAX_UID} characters", f"{where}.uid")
    try:
        component_name = validate_name(row.get("component_name"), "component name")
    except (TypeError, ValueError) as exc:
        raise _fail(str(exc), f"{where}.component_name") from None
    component = row.get("component")
    if component is not None:
        if not isinstance(component, dict):
            raise _fail(f"must be an object or null, got {component!r}", f"{where}.component")
        component = {
            "owner": _str(component, "owner", f"{where}.component") or "",
            "description": _str(component, "description", f"{where}.component") or "",
            "tags": _strings(component, "tags", f"{where}.component"),
        }
    start = _timestamp(row, "start_timestamp", where)
    end = _timestamp(row, "end_timestamp", where)
    if end < start:
        raise _fail(
            f"{end.isoformat()} is before start_timestamp {start.isoformat()}",
            f"{where}.end_timestamp",
        )
    inputs = _pointers(row, "inputs", where)
    outputs = _pointers(row, "outputs", where)
    produced = {p["name"] for p in outputs}
    looped = [p["name"] for p in inputs if p["name"] in produced]
    if looped:
        raise _fail(
            f"run of component {component_name!r} both consumes and produces {looped[0]!r}; a "
            f"run cannot depend on its own output (give the output a new name or version)",
            f"{where}.inputs",
        )
    threshold = row.get("staleness_threshold", DEFAULT_STALENESS_THRESHOLD)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold < 0:
        raise _fail(
            f"must be a number of seconds >= 0, got {threshold!r} (the default is "
            f"{DEFAULT_STALENESS_THRESHOLD}, 30 days)",
            f"{where}.staleness_threshold",
        )
    status = row.get("status", "success")
    if status not in STATUSES:
        raise _fail(f"must be one of {', '.join(STATUSES)}, got {status!r}", f"{where}.status")
    from_inputs = row.get("dependencies_from_inputs", True)
    if not isinstance(from_inputs, bool):
        raise _fail(
            f"must be true or false, got {from_inputs!r}", f"{where}.dependencies_from_inputs"
        )
    results = row.get("test_results") or []
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise _fail("must be a list of objects", f"{where}.test_results")
    return {
        "v": VERSION,
        "uid": uid,
        "component_name": component_name,
        "component": component,
        "start_timestamp": start.isoformat(),
        "end_timestamp": end.isoformat(),
        "inputs": inputs,
        "outputs": outputs,
        "upstream": _strings(row, "upstream", where),
        "dependencies_from_inputs": from_inputs,
        "staleness_threshold": int(threshold),
        "notes": _str(row, "notes", where, optional=True) or "",
        "git_hash": _str(row, "git_hash", where, optional=True),
        "git_tags": _strings(row, "git_tags", where),
        "code_snapshot": _str(row, "code_snapshot", where, optional=True),
        "status": status,
        "params": _object(row, "params", where),
        "metrics": _metrics(row, where),
        "metric_steps": _metric_steps(row, where),
        "test_results": results,
    }


def _from_version_1(row: Mapping[str, Any]) -> Row:
    """A version-1 spool row (the store's own parameter row) as a version-2 row."""
    props = dict(row.get("props") or {})

    def parsed(key: str, empty: Any) -> Any:
        text = props.get(key)
        return json.loads(text) if isinstance(text, str) and text else empty

    return {
        **{k: row[k] for k in row if k != "props"},
        "v": VERSION,
        "notes": props.get("notes", ""),
        "git_hash": props.get("git_hash"),
        "git_tags": props.get("git_tags") or [],
        "code_snapshot": props.get("code_snapshot"),
        "status": props.get("status") or "success",
        "params": parsed("params", {}),
        "metrics": parsed("metrics", {}),
        "metric_steps": parsed("metric_steps", {}),
        "test_results": parsed("test_results", []),
    }


def decode_run(row: Mapping[str, Any]) -> ComponentRun:
    """The run a checked row describes (the server answers with it, tests compare it)."""
    run = ComponentRun(
        row["component_name"],
        notes=row["notes"],
        start_timestamp=datetime.fromisoformat(row["start_timestamp"]),
        end_timestamp=datetime.fromisoformat(row["end_timestamp"]),
        inputs=[IOPointer(p["name"], p["value"], p["pointer_type"]) for p in row["inputs"]],
        outputs=[IOPointer(p["name"], p["value"], p["pointer_type"]) for p in row["outputs"]],
        git_hash=row["git_hash"],
        git_tags=list(row["git_tags"]),
        code_snapshot=row["code_snapshot"],
        dependencies=list(row["upstream"]),
        uid=row["uid"],
    )
    run.status = row["status"]
    run.params = dict(row["params"])
    run.metrics = dict(row["metrics"])
    run.metric_steps = {
        k: [(int(s), float(v)) for s, v in p] for k, p in row["metric_steps"].items()
    }
    run.test_results = list(row["test_results"])
    if row["component"] is not None:
        run.owner = row["component"]["owner"] or None
        run.component_description = row["component"]["description"] or None
        run.component_tags = list(row["component"]["tags"])
    return run


# --- the answer -----------------------------------------------------------------------------


def apply_written(run: ComponentRun, written: Mapping[str, Any]) -> None:
    """Sets what the graph decided on the run: ``id``, ``stale`` and ``dependency_ids``."""
    run.id = int(written["id"])
    run.stale = list(written["stale"])
    run.dependency_ids = sorted(int(i) for i in written["dependency_ids"])
