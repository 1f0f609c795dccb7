"""The options of ``@component.run(...)`` and ``register(...)``, checked when decorating.

Besides the named options, ``Component.run`` takes mltrace's ``*user_args, **user_kwargs``:
extra positional arguments are accepted and unused, as in mltrace; a keyword that is not an
option maps a test's argument name to the decorated function's variable name
(``df="raw"``: tests asking for ``df`` get the function's ``raw``), and ``skip_before`` /
``skip_after`` skip the before- or after-tests. A keyword that looks like a misspelt
option (``input_var=``) is refused with the option it is nearest to.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mltrace_graph.entities.io_pointer import validate_name
from mltrace_graph.wire import DEFAULT_STALENESS_THRESHOLD

KNOWN = (
    "inputs",
    "outputs",
    "input_vars",
    "output_vars",
    "input_kwargs",
    "output_kwargs",
    "endpoint",
    "staleness_threshold",
    "auto_log",
    "params",
    "metrics",
)
# mltrace's positional order of run()'s options; positionals beyond them are user_args.
POSITIONAL = KNOWN[:9]
SKIPS = ("skip_before", "skip_after")


@dataclass(frozen=True)
class RunOptions:
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    input_vars: tuple[str, ...] = ()
    output_vars: tuple[str, ...] = ()
    input_kwargs: tuple[tuple[str, str], ...] = ()
    output_kwargs: tuple[tuple[str, str], ...] = ()
    endpoint: bool = False
    staleness_threshold: int = DEFAULT_STALENESS_THRESHOLD
    auto_log: bool = False
    param_vars: tuple[str, ...] = ()
    param_values: Mapping[str, Any] = field(default_factory=dict)
    metric_vars: tuple[str, ...] = ()
    metric_values: Mapping[str, float] = field(default_factory=dict)
    test_args: tuple[tuple[str, str], ...] = ()
    skip_before: bool = False
    skip_after: bool = False

    def test_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values tests receive: each mapped variable under its test argument's name."""
        renamed = {var: arg for arg, var in self.test_args}
        return {renamed.get(key, key): value for key, value in values.items()}

    @property
    def needs_locals(self) -> bool:
        """Whether the function's variables at return must be captured at all."""
        return bool(
            self.input_vars
            or self.output_vars
            or self.input_kwargs
            or self.output_kwargs
            or self.auto_log
            or self.param_vars
            or self.metric_vars
        )


def _names(option: str, value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise TypeError(f"{option} must be a list of {what}, got {type(value).__name__}")
    return tuple(validate_name(item, f"{option} entry") for item in value)


def _pairs(option: str, value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{option} must be a dict mapping the variable holding the pointer name(s) to the "
            f"variable holding the value(s), got {type(value).__name__}: {value!r}"
        )
    return tuple(
        (validate_name(k, f"{option} key"), validate_name(v, f"{option} value"))
        for k, v in value.items()
    )


def _vars_or_values(option: str, value: Any) -> tuple[tuple[str, ...], dict[str, Any]]:
    """``params``/``metrics``: names of variables to read, or a dict of values."""
    if isinstance(value, Mapping):
        return (), {validate_name(k, f"{option} key"): v for k, v in value.items()}
    return _names(option, value, "variable names"), {}


def positional_options(positional: Sequence[Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """mltrace's positional options (``run(["in.csv"], ["out.csv"])``) joined to the named.

    Positionals past ``auto_log`` are mltrace's ``*user_args``: accepted and unused.
    """
    merged = dict(options)
    for option, value in zip(POSITIONAL, positional, strict=False):
        if option in merged:
            raise TypeError(f"run() got two values for option {option!r}")
        merged[option] = value
    return merged


def _misspelt(key: str) -> str | None:
    """The known option ``key`` is a likely misspelling of, if any."""
    nearest = difflib.get_close_matches(key, (*KNOWN, *SKIPS), n=1, cutoff=0.8)
    return nearest[0] if nearest else None


def _user_kwargs(
    options: Mapping[str, Any], test_params: Collection[str] | None
) -> tuple[tuple[str, str], ...]:
    """The keywords that are not options: test argument -> function variable mappings."""
    pairs = []
    for key in sorted(set(options) - set(KNOWN) - set(SKIPS)):
        value = options[key]
        nearest = _misspelt(key)
        known_test_arg = test_params is not None and key in test_params
        if not isinstance(value, str) or (
            nearest and test_params is not None and not known_test_arg
        ):
            hint = f" (did you mean {nearest!r}?)" if nearest else ""
            raise TypeError(
                f"unknown option {key!r} for run(){hint}; the options are "
                f"{', '.join(KNOWN + SKIPS)}; any other keyword maps a test's argument name "
                f"to the name of a variable of the function (a str), e.g. df='raw_df'"
            )
        pairs.append((key, validate_name(value, f"run() keyword {key!r}")))
    return tuple(pairs)


def parse_options(
    options: Mapping[str, Any], test_params: Collection[str] | None = None
) -> RunOptions:
    """Validates decorator options up front, so mistakes fail at import, not mid-pipeline.

    ``test_params`` are the argument names the component's tests take; a keyword near an
    option's name (``input_var``) is a misspelling unless it is one of them. ``None``
    (options already checked against them) skips that check.
    """
    test_args = _user_kwargs(options, test_params)
    for skip in SKIPS:
        if not isinstance(options.get(skip, False), bool):
            raise TypeError(f"{skip} must be True or False, got {options[skip]!r}")
    threshold = options.get("staleness_threshold", DEFAULT_STALENESS_THRESHOLD)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold < 0:
        raise ValueError(f"staleness_threshold must be seconds >= 0, got {threshold!r}")
    for flag in ("endpoint", "auto_log"):
        if not isinstance(options.get(flag, False), bool):
            raise TypeError(f"{flag} must be True or False, got {options[flag]!r}")
    param_vars, param_values = _vars_or_values("params", options.get("params"))
    metric_vars, metric_values = _vars_or_values("metrics", options.get("metrics"))
    for key, number in metric_values.items():
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise TypeError(f"metrics[{key!r}] must be a number, got {number!r}")
    return RunOptions(
        inputs=_names("inputs", options.get("inputs"), "pointer names"),
        outputs=_names("outputs", options.get("outputs"), "pointer names"),
        input_vars=_names("input_vars", options.get("input_vars"), "variable names"),
        output_vars=_names("output_vars", options.get("output_vars"), "variable names"),
        input_kwargs=_pairs("input_kwargs", options.get("input_kwargs")),
        output_kwargs=_pairs("output_kwargs", options.get("output_kwargs")),
        endpoint=bool(options.get("endpoint", False)),
        staleness_threshold=int(threshold),
        auto_log=bool(options.get("auto_log", False)),
        param_vars=param_vars,
        param_values=param_values,
        metric_vars=metric_vars,
        metric_values={k: float(v) for k, v in metric_values.items()},
        test_args=test_args,
        skip_before=bool(options.get("skip_before", False)),
        skip_after=bool(options.get("skip_after", False)),
    )
