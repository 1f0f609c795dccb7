"""Prometheus metrics: traffic by route and GraphQL operation, logging, and lineage health.

Each app gets its own registry, so several apps in one process (tests, embedding) do not
collide. The lineage-health gauges are read from the graph when Prometheus scrapes, in one
query, so they are never stale and cost nothing between scrapes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from mltrace_graph.errors import MltraceGraphError
from mltrace_graph.store import health
from mltrace_graph.store.connection import Database

log = logging.getLogger(__name__)

MAX_OPERATION_LABELS = 200


class LineageHealthCollector(Collector):
    """Gauges computed from the graph at scrape time; ``mltrace_graph_up`` 0 when it is down."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("mltrace_graph_up", "1 when Neo4j answered this scrape")
        try:
            snapshot = health.lineage_health(self.db)
        except MltraceGraphError as exc:
            log.warning("metrics scrape could not read the graph: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        for name, doc, value in (
            ("mltrace_runs", "Component runs in the graph", snapshot.runs),
            ("mltrace_flagged_outputs", "IO pointers flagged as wrong", snapshot.flagged_outputs),
            ("mltrace_stale_runs", "Runs with stale warnings", snapshot.stale_runs),
            (
                "mltrace_top_culprit_score",
                "Highest Ochiai score among runs behind flagged outputs (0 when none)",
                snapshot.top_culprit_score,
            ),
        ):
            gauge = GaugeMetricFamily(name, doc)
            gauge.add_metric([], float(value))
            yield gauge


class Metrics:
    """The counters and histograms views update, on the app's own registry."""

    def __init__(self, db: Database) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "mltrace_http_requests",
            "HTTP requests by route, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "mltrace_http_request_duration_seconds",
            "HTTP request latency by route",
            ["route"],
            registry=self.registry,
        )
        self.graphql_operations = Counter(
            "mltrace_graphql_operations",
            "GraphQL operations by operation name",
            ["operation"],
            registry=self.registry,
        )
        self.graphql_latency = Histogram(
            "mltrace_graphql_operation_duration_seconds",
            "GraphQL latency by operation name",
            ["operation"],
            registry=self.registry,
        )
        self.runs_logged = Counter(
            "mltrace_runs_logged",
            "Component runs logged through the server, by source",
            ["source"],
            registry=self.registry,
        )
        self.openlineage_events = Counter(
            "mltrace_openlineage_events",
            "OpenLineage events received, by result (accepted, duplicate, rejected)",
            ["result"],
            registry=self.registry,
        )
        self.registry.register(LineageHealthCollector(db))
        self._operations: set[str] = set()

    def operation_label(self, name: str) -> str:
        """Operation names come from clients, so only the first few hundred get a series."""
        if name in self._operations:
            return name
        if len(self._operations) >= MAX_OPERATION_LABELS:
            return "other"
        self._operations.add(name)
        return name
