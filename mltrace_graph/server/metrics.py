"""Prometheus metrics: traffic by route and GraphQL operation, logging, and lineage health.

Each app gets its own registry, so several apps in one process (tests, embedding) do not
collide. The lineage-health gauges need the graph (counts, and the top Ochiai score, which is
a whole review), so a scrape never computes them: it serves the process's last snapshot and,
when that is older than ``refresh_seconds``, starts one background refresh (single-flight:
never two at once in a process, never more often than every ``refresh_seconds``). Before
the first snapshot exists a scrape waits at most ``FIRST_SNAPSHOT_WAIT_SECONDS`` for it.
``mltrace_lineage_snapshot_age_seconds`` says how old the served numbers are.

Why: one review per scrape cost 3.35 s on a 2,000-deep chain with 200 flagged outputs, and
16 parallel scrapes took 39.7 s each and saturated Neo4j.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from mltrace_graph.errors import MltraceGraphError
from mltrace_graph.store import health
from mltrace_graph.store.connection import Database

log = logging.getLogger(__name__)

MAX_OPERATION_LABELS = 200
DEFAULT_REFRESH_SECONDS = 30.0
FIRST_SNAPSHOT_WAIT_SECONDS = 0.02


@dataclass(frozen=True)
class Snapshot:
    """What the last finished refresh saw; ``health`` is the last good one (None: never)."""

    health: health.LineageHealth | None
    age_seconds: float | None
    up: bool | None


class LineageSnapshots:
    """The process's lineage-health snapshot and its single-flight background refresh."""

    def __init__(
        self,
        read: Callable[[], health.LineageHealth],
        refresh_seconds: float = DEFAULT_REFRESH_SECONDS,
    ) -> None:
        self._read = read
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._health: health.LineageHealth | None = None
        self._taken_at: float | None = None
        self._up: bool | None = None
        self._started_at = float("-inf")
        self._refresh: threading.Thread | None = None

    def current(self, wait: float = FIRST_SNAPSHOT_WAIT_SECONDS) -> Snapshot:
        """The last snapshot, after starting a refresh if one is due (never waits long)."""
        with self._lock:
            now = time.monotonic()
            if self._refresh is None and now - self._started_at >= self.refresh_seconds:
                self._started_at = now
                self._refresh = threading.Thread(
                    target=self._refresh_now, name="mltrace-lineage-snapshot", daemon=True
                )
                self._refresh.start()
            pending = self._refresh if self._health is None else None
        if pending is not None:
            pending.join(wait)
        with self._lock:
            age = None if self._taken_at is None else time.monotonic() - self._taken_at
            return Snapshot(self._health, age, self._up)

    def _refresh_now(self) -> None:
        try:
            snapshot = self._read()
        except MltraceGraphError as exc:
            log.warning("the lineage-health refresh could not read the graph: %s", exc)
            with self._lock:
                self._up = False
        except Exception:
            log.exception("the lineage-health refresh failed")
            with self._lock:
                self._up = False
        else:
            with self._lock:
                self._health, self._taken_at, self._up = snapshot, time.monotonic(), True
        finally:
            with self._lock:
                self._refresh = None


class LineageHealthCollector(Collector):
    """Serves the snapshot; ``mltrace_graph_up`` is 0 when the last refresh failed."""

    def __init__(self, snapshots: LineageSnapshots) -> None:
        self.snapshots = snapshots

    def collect(self) -> Iterator[Metric]:
        snapshot = self.snapshots.current()
        if snapshot.up is not None:
            up = GaugeMetricFamily("mltrace_graph_up", "1 when the last refresh read Neo4j")
            up.add_metric([], 1 if snapshot.up else 0)
            yield up
        if snapshot.health is None or snapshot.age_seconds is None:
            return
        age = GaugeMetricFamily(
            "mltrace_lineage_snapshot_age_seconds",
            "Seconds since the lineage gauges below were read from the graph",
        )
        age.add_metric([], snapshot.age_seconds)
        yield age
        current = snapshot.health
        for name, doc, value in (
            ("mltrace_runs", "Component runs in the graph", current.runs),
            ("mltrace_flagged_outputs", "IO pointers flagged as wrong", current.flagged_outputs),
            ("mltrace_stale_runs", "Runs with stale warnings", current.stale_runs),
            (
                "mltrace_top_culprit_score",
                "Highest Ochiai score among runs behind flagged outputs (0 when none)",
                current.top_culprit_score,
            ),
        ):
            gauge = GaugeMetricFamily(name, doc)
            gauge.add_metric([], float(value))
            yield gauge


class Metrics:
    """The counters and histograms views update, on the app's own registry."""

    def __init__(self, db: Database, refresh_seconds: float = DEFAULT_REFRESH_SECONDS) -> None:
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
        self.lineage = LineageSnapshots(lambda: health.lineage_health(db), refresh_seconds)
        self.registry.register(LineageHealthCollector(self.lineage))
        self._operations: set[str] = set()

    def operation_label(self, name: str) -> str:
        """Operation names come from clients, so only the first few hundred get a series."""
        if name in self._operations:
            return name
        if len(self._operations) >= MAX_OPERATION_LABELS:
            return "other"
        self._operations.add(name)
        return name
