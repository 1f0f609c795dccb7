"""The local Neo4j for machines without Docker: resolve, start, stop, report."""

from mltrace_graph.launcher.local import (
    NEO4J_VERSION,
    LauncherConfig,
    LocalStatus,
    prepare,
    start,
    status,
    stop,
)

__all__ = ["NEO4J_VERSION", "LauncherConfig", "LocalStatus", "prepare", "start", "status", "stop"]
