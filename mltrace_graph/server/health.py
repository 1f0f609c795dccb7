"""``/healthz`` (Neo4j answers), ``/readyz`` (schema up to date) and ``/metrics``."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from mltrace_graph.errors import MltraceGraphError
from mltrace_graph.server.auth import authenticate
from mltrace_graph.server.state import state
from mltrace_graph.store import migrations

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> Response | tuple[Response, int]:
    """200 when Neo4j answers a query with our credentials, else 503 with the reason."""
    try:
        state().db.ping()
    except MltraceGraphError as exc:
        return jsonify({"status": "unavailable", "error": str(exc)}), 503
    return jsonify({"status": "ok"})


@blueprint.get("/readyz")
def readyz() -> Response | tuple[Response, int]:
    """200 when every migration is applied; 503 lists the pending ones."""
    try:
        pending = [
            f"V{row.version:04d}__{row.name}"
            for row in migrations.status(state().db)
            if row.applied_at is None
        ]
    except MltraceGraphError as exc:
        return jsonify({"status": "unavailable", "error": str(exc)}), 503
    if pending:
        return jsonify(
            {
                "status": "migrations pending",
                "pending": pending,
                "error": "run 'mltrace-graph db upgrade' (or restart 'mltrace-graph serve')",
            }
        ), 503
    return jsonify({"status": "ready"})


@blueprint.get("/metrics")
def metrics() -> Response:
    """Prometheus text format; needs a token when reads do (``Authorization: Bearer``)."""
    authenticate("read")
    body = generate_latest(state().metrics.registry)
    return Response(body, mimetype=CONTENT_TYPE_LATEST)
