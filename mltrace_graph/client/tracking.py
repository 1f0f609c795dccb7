"""MLflow-style logging for code that is not one function: ``with start_run("train") as run:``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from mltrace_graph.client.active import require_active_run, reset_active, set_active
from mltrace_graph.client.api import log_component_run
from mltrace_graph.client.git import get_git_hash, get_git_tags
from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import IOPointer
from mltrace_graph.wire import DEFAULT_STALENESS_THRESHOLD


@contextmanager
def start_run(
    component_name: str,
    *,
    inputs: Iterable[str | IOPointer] = (),
    outputs: Iterable[str | IOPointer] = (),
    notes: str = "",
    owner: str | None = None,
    description: str | None = None,
    tags: Iterable[str] | None = None,
    set_dependencies_from_inputs: bool = True,
    staleness_threshold: int = DEFAULT_STALENESS_THRESHOLD,
) -> Iterator[ComponentRun]:
    """Records the block as one run of ``component_name``.

    The start time is taken on entry and the end time on exit. Inside the block, add
    pointers (``run.add_input``), params and metrics (``run.log_param``,
    ``run.log_metric`` or the module-level ``log_param``/``log_metric``), and paths
    written with ``save``. An exception marks the run 'failed', logs it, and propagates.

    Example:
        with mltrace_graph.start_run("train", inputs=["features.csv"]) as run:
            run.log_param("alpha", 0.5)
            run.log_metric("rmse", 1.7)
            run.add_output("model.joblib")
    """
    run = ComponentRun(component_name, notes=notes, inputs=inputs, outputs=outputs)
    run.owner = owner
    run.component_description = description
    run.component_tags = list(tags or [])
    run.git_hash = get_git_hash()
    run.git_tags = get_git_tags()
    run.set_start_timestamp()
    token = set_active(run)
    try:
        yield run
    except BaseException as exc:
        run.status = "failed"
        run.test_results.append(
            {"test": "run", "passed": False, "error": f"{type(exc).__name__}: {exc}"}
        )
        raise
    finally:
        reset_active(token)
        run.set_end_timestamp()
        log_component_run(
            run,
            set_dependencies_from_inputs=set_dependencies_from_inputs,
            staleness_threshold=staleness_threshold,
        )


def log_param(key: str, value: Any) -> None:
    """Records a parameter on the active run (decorated call or ``start_run`` block)."""
    require_active_run("log_param").log_param(key, value)


def log_metric(key: str, value: float, step: int | None = None) -> None:
    """Records a metric on the active run; ``step`` keeps a series (epoch, iteration)."""
    require_active_run("log_metric").log_metric(key, value, step=step)
