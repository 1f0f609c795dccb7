"""mltrace-graph: lineage and tracing for ML pipelines, stored as a graph in Neo4j.

The public names here follow mltrace's documented API, so that ``import mltrace_graph as
mltrace`` is the only change an mltrace user has to make.
"""

from mltrace_graph.client import (
    add_notes_to_component_run,
    clean_db,
    create_component,
    create_random_ids,
    get_git_hash,
    get_git_tags,
    load,
    log_component_run,
    log_component_runs,
    log_metric,
    log_param,
    register,
    save,
    start_run,
    tag_component,
)
from mltrace_graph.config import get_db_uri, set_address, set_db_uri
from mltrace_graph.entities.component import Component
from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import IOPointer, PointerTypeEnum
from mltrace_graph.entities.test import Test
from mltrace_graph.errors import SpooledRunWarning, StaleRunWarning
from mltrace_graph.queries import (
    backtrace,
    flag_impact,
    flag_output_id,
    get_all_tags,
    get_component_information,
    get_component_run_information,
    get_components,
    get_components_with_owner,
    get_components_with_tag,
    get_history,
    get_io_pointer,
    get_recent_run_ids,
    get_recent_runs,
    impact,
    review_culprits,
    review_flagged_outputs,
    search_runs,
    trace_graph,
    unflag_all,
    unflag_output_id,
    web_trace,
)
from mltrace_graph.remote import set_server

__all__ = [
    "Component",
    "ComponentRun",
    "IOPointer",
    "PointerTypeEnum",
    "SpooledRunWarning",
    "StaleRunWarning",
    "Test",
    "add_notes_to_component_run",
    "backtrace",
    "clean_db",
    "create_component",
    "create_random_ids",
    "flag_impact",
    "flag_output_id",
    "get_all_tags",
    "get_component_information",
    "get_component_run_information",
    "get_components",
    "get_components_with_owner",
    "get_components_with_tag",
    "get_db_uri",
    "get_git_hash",
    "get_git_tags",
    "get_history",
    "get_io_pointer",
    "get_recent_run_ids",
    "get_recent_runs",
    "impact",
    "load",
    "log_component_run",
    "log_component_runs",
    "log_metric",
    "log_param",
    "register",
    "review_culprits",
    "review_flagged_outputs",
    "save",
    "search_runs",
    "set_address",
    "set_db_uri",
    "set_server",
    "start_run",
    "tag_component",
    "trace_graph",
    "unflag_all",
    "unflag_output_id",
    "web_trace",
]
