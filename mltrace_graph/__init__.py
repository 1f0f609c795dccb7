"""mltrace-graph: lineage and tracing for ML pipelines, stored as a graph in Neo4j.

The public names here follow mltrace's documented API, so that ``import mltrace_graph as
mltrace`` is the only change an mltrace user has to make.
"""

from mltrace_graph.config import get_db_uri, set_address, set_db_uri
from mltrace_graph.queries import (
    backtrace,
    flag_impact,
    flag_output_id,
    get_all_tags,
    get_component_information,
    get_component_run_information,
    get_components,
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

__all__ = [
    "backtrace",
    "flag_impact",
    "flag_output_id",
    "get_all_tags",
    "get_component_information",
    "get_component_run_information",
    "get_components",
    "get_db_uri",
    "get_history",
    "get_io_pointer",
    "get_recent_run_ids",
    "get_recent_runs",
    "impact",
    "review_culprits",
    "review_flagged_outputs",
    "search_runs",
    "set_address",
    "set_db_uri",
    "trace_graph",
    "unflag_all",
    "unflag_output_id",
    "web_trace",
]
