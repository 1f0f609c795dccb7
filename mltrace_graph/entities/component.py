"""Component: a pipeline stage's static metadata, its tests, and the ``run`` decorator.

Subclass it as mltrace's docs do (``class Cleaning(Component)``), or use it directly. The
object holds no connection: ``run`` hands the decorated function to the client, which
builds and logs one ``ComponentRun`` per call.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast, overload

from mltrace_graph.entities.io_pointer import validate_name
from mltrace_graph.entities.test import Test, TestResult, as_test

F = TypeVar("F", bound=Callable[..., Any])


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

    @overload
    def run(self, func: F) -> F: ...

    @overload
    def run(self, *user_args: Any, **user_kwargs: Any) -> Callable[[F], F]: ...

    def run(self, *user_args: Any, **user_kwargs: Any) -> F | Callable[[F], F]:
        """Decorates a function so each call is logged as a run of this component.

        Use it bare (``@c.run``) or with options (``@c.run(input_vars=["path"],
        output_vars=["out"], auto_log=True)``). The options are those of mltrace, in its
        positional order too: ``inputs``, ``outputs``, ``input_vars``, ``output_vars``,
        ``input_kwargs``, ``output_kwargs``, ``endpoint``, ``staleness_threshold``,
        ``auto_log``; plus ``params`` and ``metrics`` (names of variables, or a dict of
        values). As in mltrace, further positionals are accepted and unused, another
        keyword maps a test's argument to a variable of the function (``df="raw_df"``),
        and ``skip_before=True`` / ``skip_after=True`` skip the tests.

        Raises:
            TypeError: an option is misspelt (the message names the nearest option) or has
                a value of the wrong type.
        """
        from mltrace_graph.client.decorator import instrument
        from mltrace_graph.client.options import parse_options, positional_options

        func: Any = None
        if len(user_args) == 1 and callable(user_args[0]) and not user_kwargs:
            func = user_args[0]
        options = positional_options(user_args if func is None else (), user_kwargs)
        # A mistake in the options fails here, at decoration time.
        parse_options(options, test_params=self._test_parameters())
        if func is not None:
            return cast(F, instrument(self, func, **options))

        def decorate(inner: F) -> F:
            return cast(F, instrument(self, inner, **options))

        return decorate

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
