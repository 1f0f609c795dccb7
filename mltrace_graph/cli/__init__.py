"""The ``mltrace-graph`` command: one click group; each module adds the commands of one area.

Expected failures (``MltraceGraphError``) print as one line on stderr with exit code 1;
usage errors exit with 2 (click's convention). No command builds Cypher.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import click

from mltrace_graph.errors import MltraceGraphError
from mltrace_graph.store.connection import close_drivers

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Prints our expected errors as one line instead of a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MltraceGraphError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        finally:
            close_drivers()

    return cast(F, wrapper)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mltrace-graph")
def main() -> None:
    """Lineage and tracing for ML pipelines, stored as a graph in Neo4j.

    \b
    Quick start:
      mltrace-graph neo4j start      # a local Neo4j, no Docker needed
      mltrace-graph db upgrade       # create constraints and indexes
    Connection settings come from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE
    (or the same names prefixed with MLTRACE_); without them the local Neo4j is used.
    """


def _register() -> None:
    """Imports the command modules, which attach their commands to ``main``."""
    import mltrace_graph.cli.diff  # noqa: F401  (diff, diff-runs)
    from mltrace_graph.cli import (  # noqa: F401
        browse,
        db,
        demo,
        lineage,
        neo4j,
        serve,
        staleness,
        sync,
        token,
    )


_register()
