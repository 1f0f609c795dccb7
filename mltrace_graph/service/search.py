"""Run search, MLflow-style: flat records (the Python API makes a DataFrame of them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import InvalidInputError
from mltrace_graph.service import arguments
from mltrace_graph.service.arguments import EARLIEST, LATEST, UNBOUNDED, Bounds
from mltrace_graph.store import runs, search
from mltrace_graph.store.connection import Database
from mltrace_graph.store.search import SearchRows

__all__ = ["SearchRows", "search_run_cards", "search_runs"]


def search_runs(
    db: Database,
    *,
    component: str | None = None,
    tag: str | None = None,
    owner: str | None = None,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    status: str | None = None,
    params: Mapping[str, Any] | None = None,
    metrics: Mapping[str, Any] | None = None,
    filter_string: str | None = None,
    order_by: Sequence[str] | None = None,
    max_results: int = 1000,
    bounds: Bounds = UNBOUNDED,
) -> SearchRows:
    """Runs matching every filter given, one flat record each (see ``store.search``).

    Raises:
        InvalidInputError: an argument, filter or sort key cannot be read.
    """
    for field, value in (("params", params), ("metrics", metrics)):
        if value is not None and not isinstance(value, Mapping):
            raise InvalidInputError(f"{field} must be a mapping of exact values", field)
    return search.search_runs(
        db,
        component=component,
        tag=tag,
        owner=owner,
        since=arguments.moment(since, EARLIEST, "since"),
        until=arguments.moment(until, LATEST, "until"),
        status=status,
        params=params,
        metrics=metrics,
        filter_string=filter_string,
        order_by=order_by,
        max_results=arguments.positive_int(max_results, "max_results", bounds.page),
    )


def search_run_cards(db: Database, **filters: Any) -> list[ComponentRun]:
    """The matching runs as full runs, in the search's order (one more read for the cards)."""
    found = search_runs(db, **filters)
    return runs.get_runs(db, [int(record["run_id"]) for record in found.records])
