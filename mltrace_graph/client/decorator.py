"""``@component.run`` and ``register``: one logged run per call of the decorated function.

Per call, in order: bind the arguments, run the before-tests on them, call the function
(keeping its variables at return when an option needs them), run the after-tests on
those variables, build the pointers, and log the run in one round trip. A failing test,
or an exception from the function, still logs the run with status 'failed' and the test
results, then raises to the caller as mltrace did. Mistakes in the options (an unknown
variable name, lists of different lengths) raise before anything is written.

Work that does not change between calls (the signature, the source snapshot, git) is
done once per function or process, so the overhead per call stays well under a
millisecond apart from the database write.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from mltrace_graph.client import artifacts
from mltrace_graph.client.active import reset_active, set_active
from mltrace_graph.client.api import log_component_run
from mltrace_graph.client.capture import call_keeping_locals, target_code
from mltrace_graph.client.git import get_git_hash, get_git_tags
from mltrace_graph.client.options import RunOptions, parse_options
from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import IOPointer, PointerType
from mltrace_graph.entities.test import TestResult

if TYPE_CHECKING:
    from mltrace_graph.entities.component import Component

MAX_SNAPSHOT_CHARS = 65536
F = TypeVar("F", bound=Callable[..., Any])


def _source(func: Callable[..., Any]) -> str | None:
    try:
        text = inspect.getsource(inspect.unwrap(func))
    except (OSError, TypeError):
        return None
    return text if len(text) <= MAX_SNAPSHOT_CHARS else text[:MAX_SNAPSHOT_CHARS]


def _missing(option: str, name: str, values: Mapping[str, Any], func: str) -> ValueError:
    known = ", ".join(sorted(k for k in values if not k.startswith("__"))) or "none"
    return ValueError(
        f"{option} names {name!r}, but {func}() has no variable {name!r} when it returns "
        f"(its variables: {known}); fix the name in {option}"
    )


def _pointers(option: str, var: str, value: Any, kind: PointerType | None) -> list[IOPointer]:
    """Pointers for one variable's value: a list gives one per element; None gives none."""
    items = value if isinstance(value, list | tuple) else [value]
    pointers: list[IOPointer] = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, IOPointer):
            pointer = item
        elif isinstance(item, str | int | os.PathLike) and not isinstance(item, bool):
            name = os.fspath(item) if isinstance(item, os.PathLike) else str(item)
            try:
                pointer = IOPointer(name)
            except ValueError as exc:
                raise ValueError(f"{option} variable {var!r}: {exc}") from None
        else:
            pointer = artifacts.pointer_for(var, item, f"{option} variable {var!r}")
        if kind is not None:
            pointer.pointer_type = kind
        pointers.append(pointer)
    return pointers


def _kwarg_pointers(
    option: str,
    pairs: tuple[tuple[str, str], ...],
    values: Mapping[str, Any],
    func: str,
    kind: PointerType | None,
) -> list[IOPointer]:
    """``input_kwargs={"ids": "preds"}``: names from one variable, values from another."""
    pointers: list[IOPointer] = []
    for key, val in pairs:
        for name in (key, val):
            if name not in values:
                raise _missing(option, name, values, func)
        names, vals = values[key], values[val]
        if names is None:
            continue
        if isinstance(names, list | tuple):
            if not isinstance(vals, list | tuple) or len(vals) != len(names):
                got = len(vals) if isinstance(vals, list | tuple) else type(vals).__name__
                raise ValueError(
                    f"{option}: variable {val!r} must be a list as long as {key!r} "
                    f"({len(names)} items), got {got}"
                )
            pairs_of = list(zip(names, vals, strict=True))
        else:
            pairs_of = [(names, vals)]
        for name, value in pairs_of:
            pointer = IOPointer(str(name), value=value)
            if kind is not None:
                pointer.pointer_type = kind
            pointers.append(pointer)
    return pointers


def _read_vars(
    option: str, names: tuple[str, ...], values: Mapping[str, Any], func: str
) -> dict[str, Any]:
    for name in names:
        if name not in values:
            raise _missing(option, name, values, func)
    return {name: values[name] for name in names}


def _fill_run(
    run: ComponentRun,
    opts: RunOptions,
    arguments: Mapping[str, Any],
    local_vars: Mapping[str, Any],
    result: Any,
    func: str,
    auto_inputs: list[IOPointer],
) -> None:
    """Adds pointers, params and metrics read from the call; raises before any write."""
    scope = {**arguments, **local_vars}
    out_kind = PointerType.ENDPOINT if opts.endpoint else None
    inputs: list[IOPointer] = [IOPointer(name) for name in opts.inputs]
    outputs: list[IOPointer] = [IOPointer(name, pointer_type=out_kind) for name in opts.outputs]
    for var in opts.input_vars:
        if var not in scope:
            raise _missing("input_vars", var, scope, func)
        inputs += _pointers("input_vars", var, scope[var], None)
    for var in opts.output_vars:
        if var not in scope:
            raise _missing("output_vars", var, scope, func)
        outputs += _pointers("output_vars", var, scope[var], out_kind)
    inputs += _kwarg_pointers("input_kwargs", opts.input_kwargs, scope, func, None)
    outputs += _kwarg_pointers("output_kwargs", opts.output_kwargs, scope, func, out_kind)
    if opts.auto_log:
        inputs += auto_inputs
        produced = {k: v for k, v in local_vars.items() if k not in arguments}
        outputs += artifacts.auto_pointers(produced, "auto_log variable")
        if (
            result is not None
            and not isinstance(result, str)
            and (artifacts.wants_logging("return_value", result))
        ):
            outputs.append(artifacts.pointer_for("return_value", result, "auto_log result"))
        consumed = {p.name for p in inputs} | {p.name for p in run.inputs}
        outputs = [p for p in outputs if p.name not in consumed]
    params = dict(opts.param_values)
    params.update(_read_vars("params", opts.param_vars, scope, func))
    metrics = dict(opts.metric_values)
    metrics.update(_read_vars("metrics", opts.metric_vars, scope, func))
    run.add_inputs(inputs)
    run.add_outputs(outputs)
    for key, value in params.items():
        run.log_param(key, value)
    for key, value in metrics.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(
                f"metrics variable {key!r} of {func}() must hold a number, got "
                f"{type(value).__name__}: {value!r}"
            )
        run.log_metric(key, value)


def _known_inputs(
    opts: RunOptions, arguments: Mapping[str, Any], auto_inputs: list[IOPointer]
) -> list[IOPointer]:
    """Inputs known without the function's variables: for runs that failed before return."""
    inputs = [IOPointer(name) for name in opts.inputs]
    for var in opts.input_vars:
        if var in arguments:
            inputs += _pointers("input_vars", var, arguments[var], None)
    return inputs + auto_inputs


def instrument(
    component: Component, func: Callable[..., Any], **options: Any
) -> Callable[..., Any]:
    """Wraps ``func`` so that each call is logged as a run of ``component``."""
    from mltrace_graph.entities.component import Component, run_tests

    if not callable(func):
        raise TypeError(f"run() decorates a function, got {type(func).__name__}: {func!r}")
    opts = parse_options(options)
    signature = inspect.signature(func)
    code = target_code(func)
    func_name = getattr(func, "__qualname__", repr(func))
    custom_before = type(component).beforeRun is not Component.beforeRun
    custom_after = type(component).afterRun is not Component.afterRun
    needs_locals = code is not None and (
        opts.needs_locals or (not opts.skip_after and (bool(component.afterTests) or custom_after))
    )
    snapshot: list[str | None] = []

    def checks(
        custom: bool, method: Callable[..., Any], tests: Any, values: Mapping[str, Any]
    ) -> tuple[list[TestResult], BaseException | None]:
        if not custom:
            return run_tests(tests, values)
        try:
            outcome = method(**values)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            return [{"test": method.__name__, "passed": False, "error": error}], exc
        return (list(outcome) if isinstance(outcome, list) else []), None

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        run = ComponentRun(component.name)
        run.set_start_timestamp()
        run.owner = component.owner
        run.component_description = component.description
        run.component_tags = component.tags
        if not snapshot:
            snapshot.append(_source(func))
        run.code_snapshot = snapshot[0]
        run.git_hash = get_git_hash()
        run.git_tags = get_git_tags()
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        for param in signature.parameters.values():
            if param.kind is param.VAR_KEYWORD:
                arguments.update(arguments.pop(param.name, {}))
        # Arguments are saved as received, before the function can change them in place.
        auto_inputs = (
            artifacts.auto_pointers(arguments, "auto_log argument") if opts.auto_log else []
        )
        token = set_active(run)
        try:
            results, failure = (
                ([], None)
                if opts.skip_before
                else checks(
                    custom_before,
                    component.beforeRun,
                    component.beforeTests,
                    opts.test_values(arguments),
                )
            )
            if failure is not None:
                run.status = "failed"
                run.test_results = results
                run.set_end_timestamp()
                run.add_inputs(_known_inputs(opts, arguments, auto_inputs))
                log_component_run(run, staleness_threshold=opts.staleness_threshold)
                raise failure
            if needs_locals and code is not None:
                result, local_vars, error = call_keeping_locals(func, code, args, kwargs)
            else:
                local_vars, error = {}, None
                try:
                    result = func(*args, **kwargs)
                except BaseException as exc:
                    result, error = None, exc
            run.set_end_timestamp()
            if error is not None:
                run.status = "failed"
                run.test_results = results
                run.add_inputs(_known_inputs(opts, arguments, auto_inputs))
                log_component_run(run, staleness_threshold=opts.staleness_threshold)
                raise error
            after, failure = (
                ([], None)
                if opts.skip_after
                else checks(
                    custom_after,
                    component.afterRun,
                    component.afterTests,
                    opts.test_values(local_vars),
                )
            )
            run.test_results = results + after
            _fill_run(run, opts, arguments, local_vars, result, func_name, auto_inputs)
            if failure is not None:
                run.status = "failed"
            log_component_run(run, staleness_threshold=opts.staleness_threshold)
            if failure is not None:
                raise failure
            return result
        finally:
            reset_active(token)

    return wrapper


def register(
    component_name: str,
    inputs: list[str] | None = None,
    outputs: list[str] | None = None,
    input_vars: list[str] | None = None,
    output_vars: list[str] | None = None,
    input_kwargs: dict[str, str] | None = None,
    output_kwargs: dict[str, str] | None = None,
    endpoint: bool = False,
    staleness_threshold: int = 60 * 60 * 24 * 30,
    auto_log: bool = False,
) -> Callable[[F], F]:
    """mltrace's older decorator: ``@register("clean", input_vars=[...])`` logs each call."""
    from mltrace_graph.client.component import Component

    component = Component(component_name)

    def decorate(func: F) -> F:
        wrapped = instrument(
            component,
            func,
            inputs=inputs,
            outputs=outputs,
            input_vars=input_vars,
            output_vars=output_vars,
            input_kwargs=input_kwargs,
            output_kwargs=output_kwargs,
            endpoint=endpoint,
            staleness_threshold=staleness_threshold,
            auto_log=auto_log,
        )
        return cast(F, wrapped)

    return decorate
