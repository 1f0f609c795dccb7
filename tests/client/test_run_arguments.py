"""Component.run's mltrace arguments: *user_args, test-argument keywords, skip_before/after."""

from __future__ import annotations

import pytest

import mltrace_graph as mltrace
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import get_runs
from tests.client.conftest import graph_runs


class PositiveTest(mltrace.Test):
    def testPositive(self, x: int) -> None:
        if x <= 0:
            raise ValueError(f"x is {x}, expected > 0")


class SmallTest(mltrace.Test):
    def testSmall(self, result: int) -> None:
        if result > 10:
            raise ValueError(f"result is {result}")


def test_a_keyword_hands_a_variable_of_the_function_to_a_before_test_argument(
    db: Database,
) -> None:
    c = mltrace.Component("double", beforeTests=[PositiveTest])

    @c.run(x="value")
    def double(value: int) -> int:
        return 2 * value

    assert double(3) == 6
    with pytest.raises(ValueError, match="x is -1, expected > 0"):
        double(-1)
    runs = get_runs(db, [1, 2])
    assert [(r.status, [t["passed"] for t in r.test_results]) for r in runs] == [
        ("success", [True]),
        ("failed", [False]),
    ]


def test_a_keyword_hands_a_variable_at_return_to_an_after_test_argument(db: Database) -> None:
    c = mltrace.Component("double", afterTests=[SmallTest])

    @c.run(result="doubled")
    def double(x: int) -> int:
        doubled = 2 * x
        return doubled

    assert double(2) == 4
    with pytest.raises(ValueError, match="result is 14"):
        double(7)
    assert [r.status for r in get_runs(db, [1, 2])] == ["success", "failed"]


def test_skip_before_and_skip_after_leave_the_tests_out(db: Database) -> None:
    c = mltrace.Component("double", beforeTests=[PositiveTest], afterTests=[SmallTest])

    @c.run(skip_before=True, skip_after=True)
    def double(x: int) -> int:
        result = 2 * x
        return result

    assert double(-20) == -40  # the before-test would fail on x = -20
    assert double(50) == 100  # the after-test would fail on result = 100
    runs = get_runs(db, [1, 2])
    assert [(r.status, r.test_results) for r in runs] == [("success", []), ("success", [])]

    @c.run(skip_after=True)
    def checked(x: int) -> int:
        result = 2 * x
        return result

    with pytest.raises(ValueError, match="x is -1"):
        checked(-1)


def test_positional_options_follow_mltrace_s_order_and_extra_ones_are_accepted(
    db: Database,
) -> None:
    c = mltrace.Component("copy")

    @c.run(["raw.csv"], ["clean.csv"], [], [], {}, {}, False, 60, False, "extra", 7)
    def copy() -> None:
        return None

    copy()
    assert [(r["inputs"], r["outputs"]) for r in graph_runs(db)] == [(["raw.csv"], ["clean.csv"])]
    with pytest.raises(TypeError, match="run\\(\\) got two values for option 'inputs'"):
        c.run(["a"], inputs=["b"])


def test_a_misspelt_option_fails_naming_the_nearest_one() -> None:
    c = mltrace.Component("c", beforeTests=[PositiveTest])
    with pytest.raises(TypeError, match=r"unknown option 'input_var' .*did you mean 'input_vars'"):
        c.run(input_var=["x"])
    with pytest.raises(
        TypeError, match=r"unknown option 'output_var' .*did you mean 'output_vars'"
    ):
        c.run(output_var="y")  # a str, but no test takes an argument of that name
    with pytest.raises(
        TypeError, match=r"unknown option 'skip_befor' .*did you mean 'skip_before'"
    ):
        c.run(skip_befor=True)
    with pytest.raises(TypeError, match="skip_after must be True or False"):
        c.run(skip_after="yes")
    with pytest.raises(TypeError, match=r"^unknown option 'colour' for run\(\); the options"):
        c.run(colour=3)
