"""The service layer: what the Python query API, the CLI and GraphQL share.

Each function takes the ``Database`` explicitly, validates its arguments (one validator per
kind of argument, in ``arguments``), applies defaults and paging, makes one store call and
shapes the answer into entities or dataclasses. Callers above it only translate: the CLI
from options to arguments and from results to text, GraphQL from arguments to types,
``mltrace_graph.queries`` into mltrace's shapes (DataFrames included). Below it, the store
is the only place with Cypher. Only ``MltraceGraphError`` subclasses come out of here.
"""
