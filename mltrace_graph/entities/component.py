"""Component: a pipeline stage's static metadata and its tests, as a plain object.

The public ``mltrace_graph.Component`` is the client's subclass, which adds mltrace's
``run`` decorator (``client/component.py``); this class knows nothing of logging, so the
entities import nothing from the client.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import Any

from mltrace_graph.entities.io_pointer import validate_name
from mltrace_graph.entities.test import Test, TestResult, as_test


def _tags(tags: Iterable[str] | None) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str):
        raise TypeError(f"tags must be a list of str, got a single str {tags!r}; use [{tags!r}]")
    return [validate_name(tag, "tag") for tag in tags]


class Component:
    """A stage of a pipeline: name, owner, description, tags, and before/after tests.

    Args:
        name: unique name of the component (the key of its history).
        owner: who is responsible for it.
        description: what it does.
        tags: names to group components by (``["etl"]``).
        beforeTests: ``Test`` subclasses or instances run on the function's arguments.
        afterTests: ``Test`` subclasses or instances run on the function's variables at return.
    """

    def __init__(
        self,
        name: str = "",
        owner: str = "",
        description: str = "",
        tags: Iterable[str] | None = None,
        beforeTests: Iterable[Test | type[Test]] | None = None,
        afterTests: Iterable[Test | type[Test]] | None = None,
    ) -> None:
        self._name = validate_name(name, "component name")
        for what, value in (("owner", owner), ("description", description)):
            if not isinstance(value, str):
                raise TypeError(f"{what} must be a str, got {type(value).__name__}: {value!r}")
        self._owner = owner
        self._description = description
        self._tags = _tags(tags)
        self._before = [as_test(t, "beforeTests") for t in (beforeTests or [])]
        self._after = [as_test(t, "afterTests") for t in (afterTests or [])]

    @property
    def name(self) -> str:
        return self._name

    @property
    def owner(self) -> str:
        return self._owner

    @property
    def description(self) -> str:
        return self._description

    @property
    def tags(self) -> list[str]:
        return list(self._tags)

    @property
    def beforeTests(self) -> list[Test]:
        return list(self._before)

    @property
    def afterTests(self) -> list[Test]:
        return list(self._after)

    def beforeRun(self, **kwargs: Any) -> list[TestResult]:
        """Runs the before-tests on the function's arguments; raises the first failure."""
        return _run_all(self._before, kwargs, raise_failure=True)[0]

    def afterRun(self, **local_vars: Any) -> list[TestResult]:
        """Runs the after-tests on the variables at return; raises the first failure."""
        return _run_all(self._after, local_vars, raise_failure=True)[0]

    def _test_parameters(self) -> set[str] | None:
        """Argument names the tests take; ``None`` when a custom beforeRun/afterRun may take any."""
        if type(self).beforeRun is not Component.beforeRun or (
            type(self).afterRun is not Component.afterRun
        ):
            return None
        names: set[str] = set()
        for test in self._before + self._after:
            for method in test.getTestMethods().values():
                names.update(inspect.signature(method).parameters)
        return names

    def to_dictionary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "owner": self.owner,
            "description": self.description,
            "tags": self.tags,
            "beforeTests": [t.name for t in self._before],
            "afterTests": [t.name for t in self._after],
        }

    def __repr__(self) -> str:
        return f"Component(name={self.name!r}, owner={self.owner!r}, tags={self.tags!r})"


def _run_all(
    tests: list[Test], values: Mapping[str, Any], *, raise_failure: bool
) -> tuple[list[TestResult], BaseException | None]:
    """Runs every test of a list; the first failure is raised or returned."""
    results: list[TestResult] = []
    first: BaseException | None = None
    for test in tests:
        outcome, failure = test.run_collecting(values)
        results.extend(outcome)
        first = first or failure
    if raise_failure and first is not None:
        raise first
    return results, first


def run_tests(
    tests: list[Test], values: Mapping[str, Any]
) -> tuple[list[TestResult], BaseException | None]:
    """Runs tests without raising: the decorator records results before re-raising."""
    return _run_all(tests, values, raise_failure=False)
