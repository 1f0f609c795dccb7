"""The run being recorded in this thread or task, so ``save``/``load``/``log_metric`` find it."""

from __future__ import annotations

from contextvars import ContextVar

from mltrace_graph.entities.component_run import ComponentRun

_active: ContextVar[ComponentRun | None] = ContextVar("mltrace_graph_active_run", default=None)


def active_run() -> ComponentRun | None:
    """The innermost decorated call or ``start_run`` block running now, if any."""
    return _active.get()


def require_active_run(what: str) -> ComponentRun:
    run = _active.get()
    if run is None:
        raise RuntimeError(
            f"{what} needs an active run: call it inside a function decorated with "
            f"@component.run or inside 'with mltrace_graph.start_run(\"name\") as run:'"
        )
    return run


set_active = _active.set
reset_active = _active.reset
