"""Staleness at query time: why each run behind a target is stale, and what to re-run.

The store (``store/staleness.py``) reads the target's trace and the few later runs that
can be causes in one round trip; the rules are here, in Python, so each reads as its
definition (docs/diagnosis.md, "Staleness and the re-run plan"):

* **DATA**: a dependency's component has a newer run (started after the dependency,
  ended by ``as_of``) than the one the run used; or an input the run read as a raw input,
  or from the producer it used, was produced again by a run that ended after it started.
* **AGE**: a dependency started more than the run's staleness threshold before the run
  did: the comparison and threshold of the log-time warning, so the two agree.
* **CODE**: a later run of the run's own component (started by ``as_of``) recorded another
  git hash or code snapshot.
* **UPSTREAM**: an ancestor is stale for one of the reasons above; it names the root
  causes, the stale ancestors with no stale ancestor of their own.

The plan re-runs every stale run of the trace, upstream first. A dependency that merely
has a newer run is not stale itself, so it is not re-run: its consumer is, to read the
new one. The log-time ``stale`` list on each run is left as it was (mltrace's).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import InvalidInputError
from mltrace_graph.service import arguments
from mltrace_graph.store import staleness as staleness_store
from mltrace_graph.store.connection import Database
from mltrace_graph.store.staleness import RunFacts, TraceFacts

__all__ = ["KINDS", "PlanStep", "Reason", "StaleRun", "StalenessReport", "plan", "staleness"]

KINDS = ("DATA", "AGE", "CODE", "UPSTREAM")


@dataclass(frozen=True)
class Reason:
    """Why ``run_id`` is stale; ``cause_run_id`` is the run that makes it so.

    For UPSTREAM the cause is the stale dependency the staleness arrives through and
    ``root_cause_ids`` the most upstream stale runs behind it; other kinds have none.
    """

    kind: str
    run_id: int
    cause_run_id: int | None
    root_cause_ids: tuple[int, ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "run_id": self.run_id,
            "cause_run_id": self.cause_run_id,
            "root_cause_ids": list(self.root_cause_ids),
            "message": self.message,
        }


@dataclass(frozen=True)
class StaleRun:
    """A run of the trace with its reasons (none when it is fresh)."""

    run: ComponentRun
    reasons: tuple[Reason, ...]

    @property
    def stale(self) -> bool:
        return bool(self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run.id,
            "component": self.run.component_name,
            "stale": self.stale,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True)
class PlanStep:
    """One run to redo: its component, the stale run it replaces, and why."""

    order: int
    component: str
    run_id: int
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "order": self.order,
            "component": self.component,
            "run_id": self.run_id,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True)
class StalenessReport:
    """The staleness of a target (an output name, or ``run:<id>``) as of a moment.

    ``runs`` holds every run of the trace, upstream first, each with its reasons; it is
    empty when nothing had run for the target by ``as_of``. ``plan`` is empty exactly when
    ``fresh``. ``named`` has every run a reason names (the trace's and later ones), by id.
    """

    target: str
    fresh: bool
    runs: tuple[StaleRun, ...]
    plan: tuple[PlanStep, ...]
    as_of: datetime | None
    named: dict[int, ComponentRun] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "fresh": self.fresh,
            "runs": [r.to_dict() for r in self.runs],
            "plan": [s.to_dict() for s in self.plan],
        }


def staleness(
    db: Database,
    target: str | None = None,
    as_of: datetime | str | None = None,
    *,
    run_id: int | str | None = None,
) -> StalenessReport:
    """Why the runs behind an output (or a run and its ancestors) are stale, and the plan.

    Give exactly one of ``target`` (an output name) and ``run_id``. ``as_of`` looks at
    the graph as it stood then: the output's producer of then, and only runs started
    (for causes: ended) by then.

    Raises:
        NotFoundError: no output has that name, or no run that id.
        InvalidInputError: both or neither target given, or a malformed argument.
    """
    when = arguments.as_of(as_of)
    if (target is None) == (run_id is None):
        raise InvalidInputError(
            f"give exactly one of an output name and run_id, got {target!r} and {run_id!r}",
            "run_id",
        )
    if run_id is not None:
        wanted = arguments.run_id(run_id)
        facts = staleness_store.trace_facts(db, run_id=wanted, as_of=when)
        label = f"run:{wanted}"
    else:
        label = arguments.name(target, "output_id")
        facts = staleness_store.trace_facts(db, output_id=label, as_of=when)
    return _report(label, facts, when)


def plan(db: Database, output_id: str, as_of: datetime | str | None = None) -> list[PlanStep]:
    """The runs to redo, upstream first, to make an output fresh; ``[]`` when it is.

    Raises:
        NotFoundError: no output has that name.
    """
    return list(staleness(db, output_id, as_of).plan)


# --- the rules -----------------------------------------------------------------------------


def _report(target: str, facts: TraceFacts, as_of: datetime | None) -> StalenessReport:
    runs = facts.runs
    by_id = {f.id: f for f in facts.facts}
    order = _upstream_first(runs[i] for i in by_id)
    own = {i: _own_reasons(by_id[i], facts, as_of) for i in order}
    reasons: dict[int, tuple[Reason, ...]] = {}
    roots: dict[int, frozenset[int]] = {}
    for run_id in order:  # dependencies come first, so their roots are known
        run = runs[run_id]
        found: set[int] = set()
        stale_deps = []
        for dep in run.dependency_ids:
            if dep not in by_id:
                continue
            found |= roots[dep] or ({dep} if own[dep] else set())
            if own[dep] or roots[dep]:
                stale_deps.append(dep)
        roots[run_id] = frozenset(found)
        upstream = (_upstream(run, min(stale_deps), sorted(found), runs),) if found else ()
        reasons[run_id] = own[run_id] + upstream
    stale_runs = tuple(StaleRun(runs[i], reasons[i]) for i in order)
    steps = tuple(
        PlanStep(
            order=n, component=s.run.component_name, run_id=int(s.run.id or 0), reasons=s.reasons
        )
        for n, s in enumerate((s for s in stale_runs if s.stale), start=1)
    )
    return StalenessReport(
        target=target,
        fresh=not steps,
        runs=stale_runs,
        plan=steps,
        as_of=as_of,
        named=dict(runs),
    )


def _upstream_first(runs: Iterable[ComponentRun]) -> list[int]:
    """A topological order of the trace over DEPENDS_ON, dependencies first.

    Runs are taken by their stage, the longest chain of dependencies below them in the
    trace (so every run comes after all of its dependencies), then by component name,
    then by id: the two clean runs of two cycles come together, before either featuregen.
    """
    by_id = {int(r.id or 0): r for r in runs}
    waiting = {i: {d for d in r.dependency_ids if d in by_id} for i, r in by_id.items()}
    users: dict[int, list[int]] = {i: [] for i in by_id}
    for i, deps in waiting.items():
        for dep in deps:
            users[dep].append(i)
    stage = dict.fromkeys(by_id, 0)
    ready = [i for i, deps in waiting.items() if not deps]
    while ready:  # Kahn's algorithm: a run's stage is final once its last dependency is
        run_id = ready.pop()
        for user in users[run_id]:
            stage[user] = max(stage[user], stage[run_id] + 1)
            waiting[user].discard(run_id)
            if not waiting[user]:
                ready.append(user)
    return sorted(by_id, key=lambda i: (stage[i], by_id[i].component_name, i))


def _own_reasons(facts: RunFacts, trace: TraceFacts, as_of: datetime | None) -> tuple[Reason, ...]:
    """The DATA, AGE and CODE reasons of one run, each cause once per kind."""
    runs = trace.runs
    run = runs[facts.id]
    start = _time(run.start_timestamp)
    found: list[Reason] = []

    def add(kind: str, cause: int, message: str) -> None:
        if all(r.kind != kind or r.cause_run_id != cause for r in found):
            found.append(Reason(kind, facts.id, cause, (), f"{kind}: {message}"))

    for dep_id in run.dependency_ids:
        dep = runs[dep_id]
        newer_id = trace.latest_by_component.get(dep.component_name)
        if newer_id is not None and newer_id not in (dep_id, facts.id):
            newer = runs[newer_id]
            if _time(newer.start_timestamp) > _time(dep.start_timestamp):
                add(
                    "DATA",
                    newer_id,
                    f"{dep.component_name} has a newer run {newer_id} (ended "
                    f"{_when(newer.end_timestamp)}) than run {facts.id} used (run {dep_id})",
                )
    if facts.dependencies_from_inputs:
        produced = {dep_id: {p.name for p in runs[dep_id].outputs} for dep_id in run.dependency_ids}
        for pointer in facts.inputs:
            current_id = pointer.current_id
            used = [d for d, names in produced.items() if pointer.name in names]
            if current_id is None or current_id in used or current_id == facts.id:
                continue
            current = runs[current_id]
            end = current.end_timestamp
            if end is None or (as_of is not None and end > as_of) or end <= start:
                continue
            what = (
                f"{pointer.name} was produced again"
                if used
                else f"raw input {pointer.name} was produced"
            )
            add(
                "DATA",
                current_id,
                f"{what} by run {current_id} ({current.component_name}, "
                f"ended {_when(end)}) after run {facts.id} started",
            )
    for dep_id in run.dependency_ids:
        dep = runs[dep_id]
        # As the log-time warning: whole seconds between the starts, strictly over.
        age = (start - _time(dep.start_timestamp)) // timedelta(seconds=1)
        if age > facts.threshold:
            add(
                "AGE",
                dep_id,
                f"{dep.component_name} run {dep_id} started {_span(age)} before run "
                f"{facts.id} (threshold {_span(facts.threshold)})",
            )
    if facts.changed_code_id is not None:
        later = runs[facts.changed_code_id]
        if run.git_hash and later.git_hash and run.git_hash != later.git_hash:
            change = f"git {run.git_hash[:7]} -> {later.git_hash[:7]}"
        else:
            change = "another code snapshot"
        add(
            "CODE",
            facts.changed_code_id,
            f"{run.component_name} has a later run {facts.changed_code_id} (started "
            f"{_when(later.start_timestamp)}) with {change} than run {facts.id}",
        )
    return tuple(found)


def _upstream(
    run: ComponentRun, via: int, roots: list[int], runs: dict[int, ComponentRun]
) -> Reason:
    named = ", ".join(f"run {r} ({runs[r].component_name})" for r in roots)
    return Reason(
        "UPSTREAM",
        int(run.id or 0),
        via,
        tuple(roots),
        f"UPSTREAM: run {run.id} depends on stale run {via} ({runs[via].component_name}); "
        f"root cause{'s' if len(roots) > 1 else ''}: {named}",
    )


def _time(value: datetime | None) -> datetime:
    """A run's time for comparisons; runs are always logged with both, so this is a guard."""
    if value is None:
        raise ValueError("a run in the graph has no timestamp")
    return value


def _when(value: datetime | None) -> str:
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M")


def _span(seconds: int) -> str:
    """Seconds as a person reads them: 40 d 2 h, 3 h 5 min, 12 min, 30 s."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"
