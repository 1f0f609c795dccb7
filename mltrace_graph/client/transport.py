"""How a client's wire rows reach the graph: over Bolt, or over HTTP through a server.

Both transports take the same rows (``mltrace_graph.wire``) and answer the same thing, the
written id, stale warnings and dependency ids per uid, so everything above them (the
spool, the outage window, the warnings) is one code path. Pipelines that should not hold
database credentials point at a server with ``set_server(url, token)`` (or
``MLTRACE_SERVER_URL`` / ``MLTRACE_SERVER_TOKEN``); their rows are posted to the
``logComponentRuns`` mutation's ``rows`` argument exactly as the spool would keep them.
Each row keeps its ``uid``, so a retry after a network failure never logs a run twice.
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from mltrace_graph.errors import (
    DatabaseAuthError,
    DatabaseUnavailableError,
    InvalidInputError,
    RemoteServerError,
)
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import write_rows
from mltrace_graph.wire import Row

Written = dict[str, dict[str, Any]]

LOG_ROWS = """
mutation LogRunRows($rows: [JSON!]!) {
  logComponentRuns(rows: $rows) {
    __typename
    ... on LoggedRuns { runs { uid id stale dependencyIds } }
    ... on InvalidInput { message field }
  }
}
"""


class Unreachable(Exception):
    """Nothing answered (down, timed out, refused login): the client spools the rows."""


class Transport(Protocol):
    """Writes rows and answers ``{uid: {"id", "stale", "dependency_ids"}}``."""

    @property
    def where(self) -> str:
        """The address written to, for messages and the outage window."""
        ...

    def write(self, rows: Sequence[Row]) -> Written: ...


@dataclass(frozen=True)
class BoltTransport:
    """Straight to Neo4j with the driver (the default)."""

    db: Database

    @property
    def where(self) -> str:
        return self.db.settings.uri

    def write(self, rows: Sequence[Row]) -> Written:
        try:
            return write_rows(self.db, rows)
        except (DatabaseUnavailableError, DatabaseAuthError) as exc:
            raise Unreachable(f"Neo4j is unavailable ({exc})") from exc


@dataclass(frozen=True)
class HttpTransport:
    """Through an mltrace-graph server's GraphQL endpoint, with an API token."""

    url: str
    token: str | None = None
    timeout: float = 30.0

    @property
    def where(self) -> str:
        return self.url

    def write(self, rows: Sequence[Row]) -> Written:
        """Posts the rows; a refused token or a refused row is raised, not spooled.

        Raises:
            Unreachable: no answer at all.
            InvalidInputError: the server refused a row (the message names the field).
            RemoteServerError: the server refused the token or the request.
        """
        if not rows:
            return {}
        body = self._post({"query": LOG_ROWS, "variables": {"rows": list(rows)}})
        if body.get("errors"):
            raise RemoteServerError(
                f"the mltrace-graph server at {self.url} refused the runs: "
                f"{body['errors'][0].get('message')}"
            )
        result = body["data"]["logComponentRuns"]
        if result["__typename"] == "InvalidInput":
            raise InvalidInputError(result["message"], field=result["field"])
        return {
            row["uid"]: {
                "id": row["id"],
                "stale": row["stale"],
                "dependency_ids": row["dependencyIds"],
            }
            for row in result["runs"]
        }

    def _post(self, payload: dict[str, Any]) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            f"{self.url}/graphql",
            data=json.dumps(payload).encode("utf-8"),
            headers=headers,
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer: dict[str, Any] = json.loads(response.read())
                return answer
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            with contextlib.suppress(ValueError, AttributeError):
                detail = json.loads(detail).get("error", detail)
            if exc.code in (502, 503, 504):
                raise Unreachable(
                    f"the mltrace-graph server at {self.url} answered {exc.code}: {detail}"
                ) from exc
            raise RemoteServerError(
                f"the mltrace-graph server at {self.url} answered {exc.code}: {detail}"
            ) from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise Unreachable(
                f"cannot reach the mltrace-graph server at {self.url}: {exc}; check "
                f"MLTRACE_SERVER_URL and that 'mltrace-graph serve' runs there"
            ) from exc
