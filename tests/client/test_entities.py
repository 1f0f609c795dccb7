"""Component and Test as plain objects: construction, test discovery, argument passing."""

from __future__ import annotations

from typing import Any

import pytest

import mltrace_graph as mltrace


class RangeTest(mltrace.Test):
    def __init__(self) -> None:
        super().__init__(name="range")

    def testPositive(self, x: int) -> None:
        if x <= 0:
            raise ValueError("x must be positive")

    def testBelow(self, x: int, limit: int = 10) -> None:
        if x >= limit:
            raise ValueError(f"x must be below {limit}")

    def helper(self) -> None:  # not a test: no "test" prefix
        raise AssertionError("helpers are not run")


def test_get_test_methods_lists_only_methods_starting_with_test() -> None:
    assert list(RangeTest().getTestMethods()) == ["testPositive", "testBelow"]


def test_run_tests_passes_each_method_the_arguments_it_names() -> None:
    seen: list[dict[str, Any]] = []

    class Recording(mltrace.Test):
        def testOne(self, a: int) -> None:
            seen.append({"a": a})

        def testTwo(self, b: str, a: int) -> None:
            seen.append({"a": a, "b": b})

    results = Recording().runTests(a=1, b="x", unrelated=3)
    assert seen == [{"a": 1}, {"a": 1, "b": "x"}]
    assert [r["passed"] for r in results] == [True, True]


def test_run_tests_raises_the_failure_and_names_a_missing_argument() -> None:
    with pytest.raises(ValueError, match="x must be positive"):
        RangeTest().runTests(x=-1)

    class NeedsY(mltrace.Test):
        def testY(self, y: int) -> None:
            pass

    with pytest.raises(ValueError, match=r"needs an argument 'y'.*available: x"):
        NeedsY().runTests(x=1)


def test_component_accepts_test_classes_and_instances() -> None:
    c = mltrace.Component("c", "me", "d", beforeTests=[RangeTest], afterTests=[RangeTest()])
    assert [type(t) for t in c.beforeTests] == [RangeTest]
    assert [type(t) for t in c.afterTests] == [RangeTest]
    assert c.beforeRun(x=3) == [
        {"test": "range.testPositive", "passed": True, "error": None},
        {"test": "range.testBelow", "passed": True, "error": None},
    ]
    with pytest.raises(ValueError, match="below 10"):
        c.afterRun(x=11)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"name": ""}, ValueError, "component name must not be empty"),
        ({"name": "x" * 2000}, ValueError, "limit is 1024"),
        ({"name": "c", "owner": 3}, TypeError, "owner must be a str"),
        ({"name": "c", "tags": "etl"}, TypeError, r"use \['etl'\]"),
        ({"name": "c", "beforeTests": [object]}, TypeError, "beforeTests must contain"),
    ],
)
def test_component_rejects_bad_arguments_naming_them(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        mltrace.Component(**kwargs)


def test_component_run_log_metric_keeps_steps_and_latest_value() -> None:
    run = mltrace.ComponentRun("train")
    run.log_metric("loss", 0.5, step=2)
    run.log_metric("loss", 0.9, step=1)
    assert run.metrics == {"loss": 0.5}
    assert run.metric_steps == {"loss": [(1, 0.9), (2, 0.5)]}
    with pytest.raises(TypeError, match="metric 'loss' must be a number"):
        run.log_metric("loss", "high")
