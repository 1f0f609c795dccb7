"""mltrace-graph: lineage and tracing for ML pipelines, stored as a graph in Neo4j.

The public names here follow mltrace's documented API, so that ``import mltrace_graph as
mltrace`` is the only change an mltrace user has to make.
"""

from mltrace_graph.config import get_db_uri, set_address, set_db_uri

__all__ = ["get_db_uri", "set_address", "set_db_uri"]
