"""What differs between two runs, field by field, and the few words that say it.

``compare_runs`` is the comparison the trace diff applies to every aligned pair and
``diff_runs`` to two runs; ``describe`` turns one change into the words of a one-line
reason (``param window 7 -> 14``). Pure Python on ``ComponentRun`` entities.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import IOPointer

__all__ = ["TIME_FIELDS", "FieldChange", "compare_runs", "describe", "iso", "snapshot_hash"]

# Changes that alone do not make two runs differ in substance: a re-run of the same code on
# the same data differs only here.
TIME_FIELDS = frozenset({"start_timestamp", "end_timestamp"})
# How many pointer names a one-line reason lists before "+N more".
_REASON_NAMES = 3
_STALE_IDS = re.compile(r"\(ID \d+\)")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two runs.

    ``field`` is a dotted path: ``git_hash``, ``params.window``, ``inputs`` (names present
    on one side only: ``a`` and ``b`` list them), ``outputs.model.pkl.value``. ``kind`` is
    ``added`` / ``removed`` for a param or metric key on one side only, else ``changed``.
    ``a`` and ``b`` are JSON values (timestamps as ISO strings, ``None`` when absent).
    """

    field: str
    a: Any
    b: Any
    kind: str = "changed"

    @property
    def substantive(self) -> bool:
        return self.field not in TIME_FIELDS

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "kind": self.kind, "a": self.a, "b": self.b}


def compare_runs(a: ComponentRun, b: ComponentRun) -> list[FieldChange]:
    """Every field that differs between two runs: what was set (params, metrics), the
    code (git, snapshot), the outcome (status, tests, staleness), the pointers, then time.

    Each field is compared as read first and converted to its JSON form only when it
    differs: a 1,000-run diff compares mostly equal fields.
    """
    changes: list[FieldChange] = []
    if a.params != b.params:
        changes.extend(_mapping("params", a.params, b.params))
    if a.metrics != b.metrics:
        changes.extend(_mapping("metrics", a.metrics, b.metrics))
    if a.git_hash != b.git_hash:
        changes.append(FieldChange("git_hash", a.git_hash, b.git_hash))
    if a.git_tags != b.git_tags and sorted(a.git_tags) != sorted(b.git_tags):
        changes.append(FieldChange("git_tags", sorted(a.git_tags), sorted(b.git_tags)))
    if a.code_snapshot != b.code_snapshot:
        changes.append(
            FieldChange(
                "code_snapshot", snapshot_hash(a.code_snapshot), snapshot_hash(b.code_snapshot)
            )
        )
    if a.status != b.status:
        changes.append(FieldChange("status", a.status, b.status))
    if a.test_results != b.test_results:
        changes.append(FieldChange("test_results", _plain(a.test_results), _plain(b.test_results)))
    if a.stale != b.stale and _stale_shape(a.stale) != _stale_shape(b.stale):
        changes.append(FieldChange("stale", list(a.stale), list(b.stale)))
    changes.extend(_pointers("inputs", a.inputs, b.inputs))
    changes.extend(_pointers("outputs", a.outputs, b.outputs))
    if a.start_timestamp != b.start_timestamp:
        changes.append(
            FieldChange("start_timestamp", iso(a.start_timestamp), iso(b.start_timestamp))
        )
    if a.end_timestamp != b.end_timestamp:
        changes.append(FieldChange("end_timestamp", iso(a.end_timestamp), iso(b.end_timestamp)))
    return changes


def snapshot_hash(snapshot: str | None) -> str | None:
    """A code snapshot's identity: the first 12 hex digits of the SHA-256 of its text."""
    if not snapshot:
        return None
    return hashlib.sha256(snapshot.encode("utf-8")).hexdigest()[:12]


def _mapping(prefix: str, a: Mapping[str, Any], b: Mapping[str, Any]) -> list[FieldChange]:
    changes = []
    for key in sorted(a.keys() | b.keys()):
        if key not in b:
            changes.append(FieldChange(f"{prefix}.{key}", _plain(a[key]), None, "removed"))
        elif key not in a:
            changes.append(FieldChange(f"{prefix}.{key}", None, _plain(b[key]), "added"))
        elif a[key] != b[key]:
            changes.append(FieldChange(f"{prefix}.{key}", _plain(a[key]), _plain(b[key])))
    return changes


def _pointers(prefix: str, a: list[IOPointer], b: list[IOPointer]) -> list[FieldChange]:
    if len(a) == len(b) and all(
        x.name == y.name and x.pointer_type is y.pointer_type and x.value == y.value
        for x, y in zip(a, b, strict=True)
    ):
        return []  # the common case, pointers read back in name order and equal
    left = {p.name: p for p in a}
    right = {p.name: p for p in b}
    changes = []
    only_a = sorted(left.keys() - right.keys())
    only_b = sorted(right.keys() - left.keys())
    if only_a or only_b:
        changes.append(FieldChange(prefix, only_a, only_b))
    for name in sorted(left.keys() & right.keys()):
        x, y = left[name], right[name]
        if x.pointer_type != y.pointer_type:
            changes.append(
                FieldChange(f"{prefix}.{name}.type", x.pointer_type.value, y.pointer_type.value)
            )
        if x.value != y.value:
            changes.append(FieldChange(f"{prefix}.{name}.value", _plain(x.value), _plain(y.value)))
    return changes


def _stale_shape(warnings: Iterable[str]) -> list[str]:
    """Stale warnings with run ids and counts masked: what kind of staleness, on what."""
    return sorted(_DIGITS.sub("N", _STALE_IDS.sub("", w)) for w in warnings)


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    """A value as JSON would carry it (tuples become lists; anything odd its text)."""
    if isinstance(value, _SCALARS):
        return value
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return str(value)


def _short(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def _names(names: list[str]) -> str:
    if not names:
        return "none"
    shown = ", ".join(names[:_REASON_NAMES])
    more = len(names) - _REASON_NAMES
    return f"{shown} +{more} more" if more > 0 else shown


def describe(change: FieldChange) -> str:
    """A change in a few words: ``param window 7 -> 14``, ``git a1b2c3d -> c3d4e5f``."""
    field, a, b = change.field, change.a, change.b
    head, _, rest = field.partition(".")
    if field == "git_hash":
        return f"git {_short(a)[:7]} -> {_short(b)[:7]}"
    if field == "git_tags":
        return f"git tags {_names(a)} -> {_names(b)}"
    if field == "code_snapshot":
        return f"code {_short(a)} -> {_short(b)}"
    if head in ("params", "metrics"):
        word = "param" if head == "params" else "metric"
        if change.kind == "added":
            return f"{word} {rest} added ({_short(b)})"
        if change.kind == "removed":
            return f"{word} {rest} removed (was {_short(a)})"
        return f"{word} {rest} {_short(a)} -> {_short(b)}"
    if field == "test_results":
        return f"tests {_passed(a)} -> {_passed(b)}"
    if field == "stale":
        return f"stale warnings {len(a)} -> {len(b)}"
    if field in ("inputs", "outputs"):
        return f"{head} {_names(a)} -> {_names(b)}"
    if head in ("inputs", "outputs"):
        name, _, attribute = rest.rpartition(".")
        return f"{head[:-1]} {name} {attribute} {_short(a)} -> {_short(b)}"
    if field in TIME_FIELDS:
        word = "started" if field == "start_timestamp" else "ended"
        return f"{word} {_short(a)} -> {_short(b)}"
    return f"{field} {_short(a)} -> {_short(b)}"


def _passed(results: Any) -> str:
    if not isinstance(results, list):
        return _short(results)
    passed = sum(1 for r in results if isinstance(r, dict) and r.get("passed"))
    return f"{passed}/{len(results)} passed"
