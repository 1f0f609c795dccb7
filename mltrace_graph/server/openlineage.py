"""OpenLineage ingestion: ``POST /api/v1/lineage`` (one RunEvent) and ``.../batch`` (a list).

Any OpenLineage producer (the ``openlineage-python`` client, Airflow, Spark, dbt) logs here by
setting its HTTP transport URL to this server, as it would for Marquez. The mapping:

- job ``{namespace, name}`` -> Component ``"<namespace>:<name>"``;
- run ``runId`` -> one ComponentRun (uid = runId) that every event of the run updates;
- input/output datasets ``{namespace, name}`` -> IOPointers ``"<namespace>:<name>"``;
- facets kept on the run: ``sql`` (query), ``sourceCodeLocation`` (url, version as the git
  hash, tag), ``sourceCode`` (as the code snapshot), ``errorMessage`` (as notes),
  ``dataQualityAssertions`` of inputs (as test results).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, jsonify

from mltrace_graph.entities.io_pointer import MAX_NAME_LENGTH, infer_pointer_type
from mltrace_graph.errors import InvalidInputError
from mltrace_graph.server.auth import authenticate
from mltrace_graph.server.body import read_json
from mltrace_graph.server.state import state
from mltrace_graph.store.openlineage import (
    EVENT_TYPES,
    UID_PREFIX,
    OpenLineageRun,
    PointerRow,
    record_events,
)

blueprint = Blueprint("openlineage", __name__)

MAX_BATCH = 1000
MAX_TEXT = 100_000


def _get(obj: dict[str, Any], key: str, where: str, kind: type = str) -> Any:
    value = obj.get(key)
    if value is None:
        raise InvalidInputError(f"{where}{key} is missing", field=f"{where}{key}")
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise InvalidInputError(
            f"{where}{key} must be a non-empty {kind.__name__}, got {value!r}"[:300],
            field=f"{where}{key}",
        )
    return value


def _qualified(obj: dict[str, Any], where: str) -> str:
    name = f"{_get(obj, 'namespace', where)}:{_get(obj, 'name', where)}"
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInputError(
            f"{where}namespace + name is {len(name)} characters; the limit is {MAX_NAME_LENGTH}",
            field=f"{where}name",
        )
    return name


def _datasets(event: dict[str, Any], key: str, where: str) -> list[PointerRow]:
    items = event.get(key) or []
    if not isinstance(items, list):
        raise InvalidInputError(f"{where}{key} must be a list", field=f"{where}{key}")
    rows = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InvalidInputError(
                f"{where}{key}[{i}] must be an object", field=f"{where}{key}[{i}]"
            )
        name = _qualified(item, f"{where}{key}[{i}].")
        rows.append(PointerRow(name=name, value=name, pointer_type=infer_pointer_type(name).value))
    return rows


def _facet(facets: Any, name: str) -> dict[str, Any]:
    value = facets.get(name) if isinstance(facets, dict) else None
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value[:MAX_TEXT] if isinstance(value, str) and value else None


def _props(event: dict[str, Any]) -> dict[str, Any]:
    """The facets worth keeping, as run properties; absent ones leave the run as it was."""
    job_facets = event["job"].get("facets")
    run_facets = event["run"].get("facets")
    props: dict[str, Any] = {
        "openlineage_run_id": event["run"]["runId"],
        "openlineage_producer": _text(event.get("producer")),
        "sql": _text(_facet(job_facets, "sql").get("query")),
        "code_snapshot": _text(_facet(job_facets, "sourceCode").get("sourceCode")),
        "notes": _text(_facet(run_facets, "errorMessage").get("message")),
    }
    location = _facet(job_facets, "sourceCodeLocation")
    if location:
        props["source_code_url"] = _text(location.get("url") or location.get("repoUrl"))
        props["git_hash"] = _text(location.get("version"))
        tag = _text(location.get("tag"))
        props["git_tags"] = [tag] if tag else None
    assertions = []
    for dataset in event.get("inputs") or []:
        quality = _facet(dataset.get("inputFacets"), "dataQualityAssertions")
        for assertion in quality.get("assertions") or []:
            if isinstance(assertion, dict):
                assertions.append(
                    {
                        "dataset": f"{dataset.get('namespace')}:{dataset.get('name')}",
                        "name": str(assertion.get("assertion", "")),
                        "column": assertion.get("column"),
                        "success": bool(assertion.get("success")),
                    }
                )
    if assertions:
        props["test_results"] = json.dumps(assertions)
    return {key: value for key, value in props.items() if value is not None}


def _run_id(raw: str, where: str) -> str:
    """The runId as sent (earlier events keyed runs on it), once checked to be a UUID."""
    try:
        uuid.UUID(raw)
    except ValueError as exc:
        raise InvalidInputError(
            f"{where}run.runId {raw!r} is not a UUID; OpenLineage run ids are UUIDs "
            f"(e.g. {uuid.uuid4()})"[:300],
            field=f"{where}run.runId",
        ) from exc
    return raw


def parse_run_event(event: Any, where: str = "") -> OpenLineageRun:
    """Validates one RunEvent; errors name the field (``run.runId``, ``[2].eventTime``)."""
    if not isinstance(event, dict):
        raise InvalidInputError(f"{where or 'the body'} must be a JSON object", field=where)
    event_type = event.get("eventType", "OTHER")
    if event_type not in EVENT_TYPES:
        raise InvalidInputError(
            f"{where}eventType {event_type!r} is not one of {', '.join(EVENT_TYPES)}",
            field=f"{where}eventType",
        )
    raw_time = _get(event, "eventTime", where)
    try:
        event_time = datetime.fromisoformat(raw_time.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInputError(
            f"{where}eventTime {raw_time!r} is not an ISO 8601 date-time",
            field=f"{where}eventTime",
        ) from exc
    if event_time.tzinfo is None:
        raise InvalidInputError(
            f"{where}eventTime {raw_time!r} has no time zone offset",
            field=f"{where}eventTime",
        )
    run = _get(event, "run", where, dict)
    run_id = _run_id(_get(run, "runId", f"{where}run."), where)
    job = _get(event, "job", where, dict)
    component = _qualified(job, f"{where}job.")
    documentation = _facet(job.get("facets"), "documentation").get("description")
    return OpenLineageRun(
        uid=f"{UID_PREFIX}{run_id}",
        component_name=component,
        event_type=event_type,
        event_time=event_time,
        description=documentation if isinstance(documentation, str) else "",
        inputs=_datasets(event, "inputs", where),
        outputs=_datasets(event, "outputs", where),
        props=_props(event),
    )


def _ingest(events: list[OpenLineageRun]) -> list[dict[str, Any]]:
    current = state()
    try:
        outcomes = record_events(current.db, events)
    except InvalidInputError as exc:
        raise _rejected(exc) from exc
    counter = current.metrics.openlineage_events
    for outcome in outcomes:
        counter.labels("duplicate" if outcome.duplicate else "accepted").inc()
    created = sum(1 for o in outcomes if o.created)
    if created:
        current.metrics.runs_logged.labels("openlineage").inc(created)
    return [{"runId": o.run_id, "created": o.created, "duplicate": o.duplicate} for o in outcomes]


def _rejected(exc: InvalidInputError) -> InvalidInputError:
    state().metrics.openlineage_events.labels("rejected").inc()
    return exc


@blueprint.post("/api/v1/lineage")
def lineage() -> tuple[Response, int]:
    """One RunEvent; 201 with the run it landed on."""
    authenticate("write")
    try:
        event = parse_run_event(read_json())
    except InvalidInputError as exc:
        raise _rejected(exc) from exc
    return jsonify(_ingest([event])[0]), 201


@blueprint.post("/api/v1/lineage/batch")
def lineage_batch() -> tuple[Response, int]:
    """A JSON list of RunEvents, applied in order in one transaction (all or nothing)."""
    authenticate("write")
    try:
        body = read_json()
        if not isinstance(body, list):
            raise InvalidInputError("the batch body must be a JSON list of events", field="body")
        if len(body) > MAX_BATCH:
            raise InvalidInputError(
                f"{len(body)} events in one batch; the limit is {MAX_BATCH}", field="body"
            )
        events = [parse_run_event(item, f"[{i}].") for i, item in enumerate(body)]
    except InvalidInputError as exc:
        raise _rejected(exc) from exc
    return jsonify({"events": _ingest(events)}), 201
