"""Logging through an mltrace-graph server instead of a direct Bolt connection.

Pipelines that should not hold database credentials point at the server with
``set_server(url, token)`` (or ``MLTRACE_SERVER_URL`` / ``MLTRACE_SERVER_TOKEN``) and send
their runs with ``send_runs``, which posts them to the ``logComponentRuns`` mutation. Each run
keeps its ``uid``, so a retry after a network failure never logs a run twice.
"""

from __future__ import annotations

import contextlib
import json
import os
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import ConfigurationError, InvalidInputError, RemoteServerError

LOG_RUNS = """
mutation LogComponentRuns($runs: [RunInput!]!) {
  logComponentRuns(runs: $runs) {
    __typename
    ... on LoggedRuns { runs { uid id stale dependencyIds } }
    ... on InvalidInput { message field }
  }
}
"""


@dataclass(frozen=True)
class RemoteServer:
    """Where to send runs, and the API token to send with them."""

    url: str
    token: str | None = None


_server: RemoteServer | None = None


def set_server(url: str, token: str | None = None) -> None:
    """Sends runs to the server at ``url`` (``http(s)://host:port``) with ``token``."""
    global _server
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"server URL {url!r} is not valid: use http(s)://HOST:PORT, for example "
            f"http://127.0.0.1:8080"
        )
    _server = RemoteServer(url=url.rstrip("/"), token=token)


def get_server() -> RemoteServer | None:
    """The server set in this process, else from the environment, else ``None``."""
    if _server is not None:
        return _server
    url = os.environ.get("MLTRACE_SERVER_URL", "").strip()
    if not url:
        return None
    token = os.environ.get("MLTRACE_SERVER_TOKEN", "").strip() or None
    return RemoteServer(url=url.rstrip("/"), token=token)


def reset_server() -> None:
    """Forgets ``set_server``, so the environment decides again."""
    global _server
    _server = None


def _pointer(pointer: Any) -> dict[str, Any]:
    value = pointer.value
    return {
        "name": pointer.name,
        "value": None if value is None else str(value),
        "pointerType": pointer.pointer_type.value,
    }


def run_to_input(run: ComponentRun) -> dict[str, Any]:
    """The ``RunInput`` variables for one run."""
    if run.start_timestamp is None or run.end_timestamp is None:
        raise InvalidInputError(
            f"run of component {run.component_name!r} has no start or end timestamp; set both "
            f"before sending it",
            field="run",
        )
    return {
        "componentName": run.component_name,
        "startTimestamp": run.start_timestamp.isoformat(),
        "endTimestamp": run.end_timestamp.isoformat(),
        "inputs": [_pointer(p) for p in run.inputs],
        "outputs": [_pointer(p) for p in run.outputs],
        "notes": run.notes,
        "gitHash": run.git_hash,
        "gitTags": list(run.git_tags),
        "codeSnapshot": run.code_snapshot,
        "dependencies": list(run.dependencies),
        "status": run.status,
        "uid": run.uid,
        "params": json.loads(json.dumps(run.params, default=str)),
        "metrics": run.metrics,
        "testResults": json.loads(json.dumps(run.test_results, default=str)),
    }


def _post(server: RemoteServer, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if server.token:
        headers["Authorization"] = f"Bearer {server.token}"
    request = urllib.request.Request(
        f"{server.url}/graphql",
        data=json.dumps(payload).encode("utf-8"),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body: dict[str, Any] = json.loads(response.read())
            return body
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:500]
        with contextlib.suppress(ValueError, AttributeError):
            detail = json.loads(detail).get("error", detail)
        raise RemoteServerError(
            f"the mltrace-graph server at {server.url} answered {exc.code}: {detail}"
        ) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise RemoteServerError(
            f"cannot reach the mltrace-graph server at {server.url}: {exc}; check "
            f"MLTRACE_SERVER_URL and that 'mltrace-graph serve' runs there",
            unreachable=True,
        ) from exc


def send_runs(
    runs: Sequence[ComponentRun], *, server: RemoteServer | None = None, timeout: float = 30.0
) -> None:
    """Logs runs through the server; sets ``id``, ``stale`` and ``dependency_ids`` on them.

    Raises:
        ConfigurationError: no server is set.
        InvalidInputError: the server refused a run (the message names the field).
        RemoteServerError: the server is unreachable, or refused the token.
    """
    if not runs:
        return
    server = server or get_server()
    if server is None:
        raise ConfigurationError(
            "no mltrace-graph server is set: call set_server(url, token) or set "
            "MLTRACE_SERVER_URL and MLTRACE_SERVER_TOKEN"
        )
    variables = {"runs": [run_to_input(run) for run in runs]}
    body = _post(server, {"query": LOG_RUNS, "variables": variables}, timeout)
    if body.get("errors"):
        raise RemoteServerError(
            f"the mltrace-graph server at {server.url} refused the runs: "
            f"{body['errors'][0].get('message')}"
        )
    result = body["data"]["logComponentRuns"]
    if result["__typename"] == "InvalidInput":
        raise InvalidInputError(result["message"], field=result["field"])
    by_uid = {row["uid"]: row for row in result["runs"]}
    for run in runs:
        written = by_uid[run.uid]
        run.id = int(written["id"])
        run.stale = list(written["stale"])
        run.dependency_ids = sorted(int(i) for i in written["dependencyIds"])
