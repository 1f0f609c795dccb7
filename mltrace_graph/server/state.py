"""What every view needs from the app: the database handle, the policy, the metrics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from flask import current_app

from mltrace_graph.server.config import ServerConfig
from mltrace_graph.store.connection import Database

if TYPE_CHECKING:
    from mltrace_graph.server.metrics import Metrics

EXTENSION_KEY = "mltrace_graph"


@dataclass(frozen=True)
class ServerState:
    """Held in ``app.extensions``; the driver behind ``db`` is created lazily per process."""

    db: Database
    config: ServerConfig
    metrics: Metrics


def state() -> ServerState:
    """The state of the app handling the current request."""
    return cast(ServerState, current_app.extensions[EXTENSION_KEY])
