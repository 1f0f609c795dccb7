"""Test: reusable checks a component runs before or after its function, like a unittest case.

Every method whose name starts with ``test`` is a check. Each receives, by name, the
values it asks for: the function's arguments for before-tests, its variables at return
for after-tests. A parameter with a default may be left out; a required one that is not
available is an error naming it, so a typo in a test signature is not silently skipped.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

TestResult = dict[str, Any]


class Test:
    """Base class of user tests; subclass it and add ``test*`` methods."""

    __test__ = False  # not a pytest test class, even though its name starts with "Test"

    def __init__(self, name: str = "") -> None:
        if not isinstance(name, str):
            raise TypeError(f"Test name must be a str, got {type(name).__name__}: {name!r}")
        self._name = name or type(self).__name__

    @property
    def name(self) -> str:
        return self._name

    def getTestMethods(self) -> dict[str, Callable[..., Any]]:
        """The bound ``test*`` methods of this test, by name, in definition order."""
        methods: dict[str, Callable[..., Any]] = {}
        for klass in reversed(type(self).__mro__):
            for attr, value in vars(klass).items():
                if attr.startswith("test") and callable(value):
                    methods.pop(attr, None)
                    methods[attr] = getattr(self, attr)
        return methods

    def runTests(self, **kwargs: Any) -> list[TestResult]:
        """Runs every test method; raises the first failure after all have run."""
        results, failure = self.run_collecting(kwargs)
        if failure is not None:
            raise failure
        return results

    def run_collecting(
        self, values: Mapping[str, Any]
    ) -> tuple[list[TestResult], BaseException | None]:
        """Runs every test method, returning one result each and the first failure (if any)."""
        results: list[TestResult] = []
        first: BaseException | None = None
        for method_name, method in self.getTestMethods().items():
            label = f"{self.name}.{method_name}"
            try:
                method(**_arguments_for(method, values, label))
            except Exception as exc:
                results.append({"test": label, "passed": False, "error": _describe(exc)})
                first = first or exc
            else:
                results.append({"test": label, "passed": True, "error": None})
        return results, first


def _arguments_for(
    method: Callable[..., Any], values: Mapping[str, Any], label: str
) -> dict[str, Any]:
    """Picks the values a test method names; a missing required one is a clear error."""
    chosen: dict[str, Any] = {}
    for param in inspect.signature(method).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            if param.kind is param.VAR_KEYWORD:
                chosen.update({k: v for k, v in values.items() if k not in chosen})
            continue
        if param.name in values:
            chosen[param.name] = values[param.name]
        elif param.default is param.empty:
            available = ", ".join(sorted(values)) or "none"
            raise ValueError(
                f"test {label} needs an argument {param.name!r}, which the component's "
                f"function does not have (available: {available}); rename the parameter or "
                f"give it a default"
            )
    return chosen


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def as_test(item: object, where: str) -> Test:
    """A Test instance, from an instance or a Test subclass (the docs pass classes)."""
    if isinstance(item, Test):
        return item
    if isinstance(item, type) and issubclass(item, Test):
        return item()
    raise TypeError(
        f"{where} must contain Test subclasses or instances, got {type(item).__name__}: {item!r}"
    )
