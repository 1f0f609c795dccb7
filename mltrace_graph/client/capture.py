"""Calling a function and keeping its local variables as they were when it returned.

mltrace reads ``output_vars`` and runs after-tests on the variables of the decorated
function at return. A profile hook sees the frame's locals on its "return" event; it is
installed only for the duration of the call, only when something needs the locals, and
does almost nothing for frames other than the target one. Any profiler already set (a
user's cProfile) keeps receiving every event.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Any


def target_code(func: Callable[..., Any]) -> CodeType | None:
    """The code object whose frame holds the user's variables (under other decorators)."""
    inner = inspect.unwrap(func)
    code = getattr(inner, "__code__", None)
    return code if isinstance(code, CodeType) else None


def call_keeping_locals(
    func: Callable[..., Any], code: CodeType, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, dict[str, Any], BaseException | None]:
    """Calls ``func``; returns its result, its locals at return, and what it raised (if)."""
    frames: list[FrameType] = []
    captured: dict[str, Any] = {}
    previous = sys.getprofile()
    if previous is not None and not callable(previous):
        # A C-level profiler (cProfile) cannot be chained to or restored from Python, so
        # leave it alone and use a trace hook instead, which only follows the target frame.
        return _call_traced(func, code, args, kwargs)

    def hook(frame: FrameType, event: Any, arg: Any) -> None:
        if frame.f_code is code:
            if event == "call" and not frames:
                frames.append(frame)
            elif event == "return" and frames and frame is frames[0]:
                captured.update(frame.f_locals)
        if previous is not None:
            previous(frame, event, arg)

    sys.setprofile(hook)
    try:
        result = func(*args, **kwargs)
    except BaseException as exc:
        return None, captured, exc
    finally:
        sys.setprofile(previous)
    return result, captured, None


def _call_traced(
    func: Callable[..., Any], code: CodeType, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, dict[str, Any], BaseException | None]:
    """The same capture through ``sys.settrace``, for when a C profiler is active."""
    if sys.gettrace() is not None:
        raise RuntimeError(
            f"cannot read the variables of {code.co_name}() while both a profiler and a "
            f"tracer (debugger, coverage) are active; run without one of them"
        )
    captured: dict[str, Any] = {}
    entered: list[bool] = []

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "return":
            captured.update(frame.f_locals)
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code is code and not entered:
            entered.append(True)
            return local
        return None

    sys.settrace(tracer)
    try:
        result = func(*args, **kwargs)
    except BaseException as exc:
        return None, captured, exc
    finally:
        sys.settrace(None)
    return result, captured, None
