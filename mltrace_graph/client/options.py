"""The options of ``@component.run(...)`` and ``register(...)``, checked when decorating."""

from __future__ import annotations

from collections.abc import Mapping
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


def parse_options(options: Mapping[str, Any]) -> RunOptions:
    """Validates decorator options up front, so mistakes fail at import, not mid-pipeline."""
    unknown = sorted(set(options) - set(KNOWN))
    if unknown:
        raise TypeError(
            f"unknown option(s) {', '.join(map(repr, unknown))} for run(); the options are "
            f"{', '.join(KNOWN)}"
        )
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
    )
