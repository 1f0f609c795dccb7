"""The HTTP server: GraphQL, OpenLineage ingestion, read-only Cypher, health and metrics."""

from __future__ import annotations

from mltrace_graph.server.app import create_app
from mltrace_graph.server.config import ServerConfig

__all__ = ["ServerConfig", "create_app"]
