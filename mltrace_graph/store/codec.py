"""Reading runs and pointers back: the one projection and its decoder.

Every query that returns runs uses ``RUN_PROJECTION`` and ``run_from_record``, and every
query that returns pointers ``pointer_from``, so a run or pointer reads back the same way
whichever question found it. The write side's form is ``mltrace_graph.wire``.
"""

from __future__ import annotations

import json
from typing import Any

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import IOPointer
from mltrace_graph.store.temporal import to_datetime

# The projection every run-returning query uses, so ``run_from_record`` can read any of them.
# Timestamps travel as epoch microseconds (see ``store.temporal``).
RUN_PROJECTION = """
{run: r {.*, logged_at: null,
         start_timestamp: r.start_timestamp.epochSeconds * 1000000
                          + r.start_timestamp.microsecond,
         end_timestamp: r.end_timestamp.epochSeconds * 1000000 + r.end_timestamp.microsecond},
 owner: c.owner,
 inputs: COLLECT { MATCH (r)-[:CONSUMED]->(p:IOPointer)
                 RETURN p {.name, .value, .pointer_type, .flag} ORDER BY p.name },
 outputs: COLLECT { MATCH (r)-[:PRODUCED]->(p:IOPointer)
                  RETURN p {.name, .value, .pointer_type, .flag} ORDER BY p.name },
 dependencies: COLLECT { MATCH (r)-[:DEPENDS_ON]->(d:ComponentRun)
                         RETURN d {.id, .component_name} ORDER BY d.id }}
"""


def run_from_record(record: dict[str, Any]) -> ComponentRun:
    """Builds a ``ComponentRun`` from a map shaped by ``RUN_PROJECTION``."""
    props = record["run"]
    run = ComponentRun.restored(
        component_name=props["component_name"],
        notes=props.get("notes") or "",
        start_timestamp=to_datetime(props.get("start_timestamp")),
        end_timestamp=to_datetime(props.get("end_timestamp")),
        inputs=[pointer_from(p) for p in record.get("inputs", ())],
        outputs=[pointer_from(p) for p in record.get("outputs", ())],
        id=int(props["id"]),
        uid=props["uid"],
    )
    run.git_hash = props.get("git_hash")
    run.git_tags = list(props.get("git_tags") or ())
    run.code_snapshot = props.get("code_snapshot")
    run.stale = list(props.get("stale") or ())
    dependencies = record.get("dependencies", ())
    run.dependencies = [d["component_name"] for d in dependencies]
    run.dependency_ids = [int(d["id"]) for d in dependencies]
    run.status = props.get("status") or "success"
    run.test_results = _json(props.get("test_results"), [])
    run.params = _json(props.get("params"), {})
    run.metrics = _json(props.get("metrics"), {})
    metric_steps = _json(props.get("metric_steps"), {})
    if metric_steps:
        run.metric_steps = {
            key: [(int(step), float(value)) for step, value in pairs]
            for key, pairs in metric_steps.items()
        }
    run.owner = record.get("owner")
    return run


def _json(text: str | None, empty: Any) -> Any:
    """Parses a JSON property; most runs store empty ones, which need no parser."""
    if not text or text in ("[]", "{}"):
        return type(empty)()
    return json.loads(text)


def pointer_from(props: dict[str, Any]) -> IOPointer:
    """Builds an ``IOPointer`` from ``p {.name, .value, .pointer_type, .flag}``.

    A missing value reads as ``""`` (mltrace's default); ``0`` and ``False`` stay as they are.
    """
    value = props.get("value")
    return IOPointer.restored(
        props["name"],
        "" if value is None else value,
        props.get("pointer_type"),
        bool(props.get("flag")),
    )
