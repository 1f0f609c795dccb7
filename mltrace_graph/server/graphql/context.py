"""What resolvers receive: the database handle and the server policy."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.types import Info as StrawberryInfo

from mltrace_graph.server.config import ServerConfig
from mltrace_graph.server.metrics import Metrics
from mltrace_graph.store.connection import Database


@dataclass
class Context:
    """One per request."""

    db: Database
    config: ServerConfig
    metrics: Metrics


Info = StrawberryInfo[Context, None]
