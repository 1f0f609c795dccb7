"""ComponentRun: one execution of a component, with what it read, wrote and depended on."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from mltrace_graph.entities.io_pointer import IOPointer, PointerType, validate_name


def to_utc(value: object, what: str) -> datetime:
    """Timestamps are stored as UTC; a naive datetime is read as local time, as Python does."""
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(value).__name__}: {value!r}")
    return value.astimezone(UTC)


def _as_pointer(item: str | IOPointer, pointer_type: PointerType | str | None) -> IOPointer:
    if isinstance(item, IOPointer):
        if pointer_type is not None:
            item.pointer_type = PointerType(pointer_type)
        return item
    if isinstance(item, str):
        return IOPointer(item, pointer_type=pointer_type)
    raise TypeError(
        f"an input or output must be a str name or an IOPointer, got "
        f"{type(item).__name__}: {item!r}"
    )


class ComponentRun:
    """A run as mltrace documents it, plus status, tests, params and metrics.

    ``id`` is ``None`` until the run is logged; the store then assigns the next short
    integer. ``uid`` is chosen here, once, so that a retried log of the same object is
    recognised and written only once.
    """

    def __init__(
        self,
        component_name: str,
        notes: str = "",
        start_timestamp: datetime | None = None,
        end_timestamp: datetime | None = None,
        inputs: Iterable[str | IOPointer] = (),
        outputs: Iterable[str | IOPointer] = (),
        git_hash: str | None = None,
        git_tags: list[str] | None = None,
        code_snapshot: str | None = None,
        id: int | None = None,
        stale: list[str] | None = None,
        dependencies: list[str] | None = None,
        *,
        uid: str | None = None,
    ) -> None:
        self._component_name = validate_name(component_name, "component name")
        self.notes = notes
        self._start_timestamp = (
            to_utc(start_timestamp, "start_timestamp") if start_timestamp else None
        )
        self._end_timestamp = to_utc(end_timestamp, "end_timestamp") if end_timestamp else None
        self._inputs: list[IOPointer] = []
        self._outputs: list[IOPointer] = []
        self.add_inputs(list(inputs))
        self.add_outputs(list(outputs))
        self.git_hash = git_hash
        self.git_tags = list(git_tags or [])
        self.code_snapshot = code_snapshot
        self.id = id
        self.uid = uid or uuid.uuid4().hex
        self.stale = list(stale or [])
        self.dependencies = list(dependencies or [])
        self.dependency_ids: list[int] = []
        self.status = "success"
        self.test_results: list[dict[str, Any]] = []
        self.params: dict[str, Any] = {}
        self.metrics: dict[str, float] = {}
        self.owner: str | None = None
        # Component metadata a decorated run carries, so one write also creates or
        # updates its component (None: leave the component as it is).
        self.component_description: str | None = None
        self.component_tags: list[str] = []
        self.metric_steps: dict[str, list[tuple[int, float]]] = {}

    @classmethod
    def restored(
        cls,
        *,
        component_name: str,
        notes: str,
        start_timestamp: datetime | None,
        end_timestamp: datetime | None,
        inputs: list[IOPointer],
        outputs: list[IOPointer],
        id: int,
        uid: str,
    ) -> ComponentRun:
        """A run read back from the graph, where it was validated when it was logged.

        ``__init__`` checks every name and timestamp again and dedupes the pointers one by
        one; for a 1,000-run backtrace that was a third of the Python time. The caller sets
        the other attributes, which start at their ``__init__`` defaults.
        """
        run = cls.__new__(cls)
        run._component_name = component_name
        run._notes = notes
        run._start_timestamp = start_timestamp
        run._end_timestamp = end_timestamp
        run._inputs = inputs
        run._outputs = outputs
        run.git_hash = None
        run.git_tags = []
        run.code_snapshot = None
        run.id = id
        run.uid = uid
        run.stale = []
        run.dependencies = []
        run.dependency_ids = []
        run.status = "success"
        run.test_results = []
        run.params = {}
        run.metrics = {}
        run.owner = None
        run.component_description = None
        run.component_tags = []
        run.metric_steps = {}
        return run

    # --- mltrace's documented properties and methods --------------------------------------

    @property
    def component_name(self) -> str:
        return self._component_name

    @property
    def notes(self) -> str:
        return self._notes

    @notes.setter
    def notes(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"notes must be a str, got {type(value).__name__}: {value!r}")
        self._notes = value

    @property
    def start_timestamp(self) -> datetime | None:
        return self._start_timestamp

    @property
    def end_timestamp(self) -> datetime | None:
        return self._end_timestamp

    def set_start_timestamp(self, ts: datetime | None = None) -> None:
        self._start_timestamp = to_utc(ts, "start_timestamp") if ts else datetime.now(UTC)

    def set_end_timestamp(self, ts: datetime | None = None) -> None:
        self._end_timestamp = to_utc(ts, "end_timestamp") if ts else datetime.now(UTC)

    @property
    def inputs(self) -> list[IOPointer]:
        return self._inputs

    @property
    def outputs(self) -> list[IOPointer]:
        return self._outputs

    def add_input(
        self, inp: str | IOPointer, pointer_type: PointerType | str | None = None
    ) -> None:
        pointer = _as_pointer(inp, pointer_type)
        if pointer not in self._inputs:
            self._inputs.append(pointer)

    def add_inputs(self, inputs: Iterable[str | IOPointer]) -> None:
        for item in inputs:
            self.add_input(item)

    def add_output(
        self, out: str | IOPointer, pointer_type: PointerType | str | None = None
    ) -> None:
        pointer = _as_pointer(out, pointer_type)
        if pointer not in self._outputs:
            self._outputs.append(pointer)

    def add_outputs(self, outputs: Iterable[str | IOPointer]) -> None:
        for item in outputs:
            self.add_output(item)

    def set_upstream(self, dependencies: str | list[str]) -> None:
        """Depends on the latest run of each named component (Airflow's word for it)."""
        names = [dependencies] if isinstance(dependencies, str) else list(dependencies)
        for name in names:
            validate_name(name, "upstream component name")
            if name not in self.dependencies:
                self.dependencies.append(name)

    # --- MLflow-style parameters and metrics ----------------------------------------------

    def log_param(self, key: str, value: Any) -> None:
        """Records a parameter of this run (a hyperparameter, a setting)."""
        validate_name(key, "param key")
        self.params[key] = value

    def log_metric(self, key: str, value: float, step: int | None = None) -> None:
        """Records a metric; with ``step``, keeps every step and the latest value."""
        validate_name(key, "metric key")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(
                f"metric {key!r} must be a number, got {type(value).__name__}: {value!r}"
            )
        if step is not None and (isinstance(step, bool) or not isinstance(step, int)):
            raise TypeError(f"step of metric {key!r} must be an int, got {step!r}")
        if step is None:
            self.metrics[key] = float(value)
            return
        steps = self.metric_steps.setdefault(key, [])
        steps.append((step, float(value)))
        steps.sort(key=lambda pair: pair[0])
        self.metrics[key] = steps[-1][1]

    @property
    def duration_seconds(self) -> float | None:
        if self._start_timestamp is None or self._end_timestamp is None:
            return None
        return (self._end_timestamp - self._start_timestamp).total_seconds()

    def to_dictionary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "component_name": self.component_name,
            "notes": self.notes,
            "start_timestamp": self.start_timestamp,
            "end_timestamp": self.end_timestamp,
            "inputs": [p.to_dictionary() for p in self.inputs],
            "outputs": [p.to_dictionary() for p in self.outputs],
            "git_hash": self.git_hash,
            "git_tags": self.git_tags,
            "code_snapshot": self.code_snapshot,
            "stale": self.stale,
            "dependencies": self.dependencies,
            "status": self.status,
            "test_results": self.test_results,
            "params": self.params,
            "metrics": self.metrics,
            "metric_steps": {k: [list(p) for p in v] for k, v in self.metric_steps.items()},
        }

    def __repr__(self) -> str:
        return f"ComponentRun(id={self.id}, component={self.component_name!r})"
