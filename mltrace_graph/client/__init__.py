"""The client side: everything a pipeline calls to log runs. It builds runs, the store writes.

Modules: ``api`` (explicit logging and component calls), ``decorator`` (``@c.run`` and
``register``), ``tracking`` (``start_run``), ``artifacts`` (``save``/``load``/auto_log),
``spool`` (runs kept locally while Neo4j is down), ``capture``, ``git``, ``options``.
"""

from __future__ import annotations

from mltrace_graph.client.api import (
    add_notes_to_component_run,
    clean_db,
    create_component,
    create_random_ids,
    log_component_run,
    log_component_runs,
    tag_component,
)
from mltrace_graph.client.artifacts import load, save
from mltrace_graph.client.decorator import register
from mltrace_graph.client.git import get_git_hash, get_git_tags
from mltrace_graph.client.tracking import log_metric, log_param, start_run

__all__ = [
    "add_notes_to_component_run",
    "clean_db",
    "create_component",
    "create_random_ids",
    "get_git_hash",
    "get_git_tags",
    "load",
    "log_component_run",
    "log_component_runs",
    "log_metric",
    "log_param",
    "register",
    "save",
    "start_run",
    "tag_component",
]
