"""Saving and loading objects with joblib, and auto_log's choice of what to save.

Objects are stored under ``SAVE_DIR`` (default ``~/.mltrace``, as in mltrace), named by a
hash of their content: saving identical content again reuses the file and therefore the
same pointer, which is also what links a producer to its consumers automatically.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import joblib

from mltrace_graph.client.active import active_run
from mltrace_graph.entities.io_pointer import IOPointer, PointerType, infer_pointer_type

LARGE_VALUE_BYTES = 1024 * 1024


def save_dir() -> Path:
    raw = os.environ.get("SAVE_DIR", "").strip()
    return Path(raw).expanduser() if raw else Path.home() / ".mltrace"


def content_hash(value: Any, what: str) -> str:
    """joblib's hash of the pickled content; unpicklable values are a clear TypeError."""
    try:
        return str(joblib.hash(value))
    except Exception as exc:
        raise TypeError(
            f"{what} holds a {type(value).__name__} that cannot be pickled ({exc}); auto_log "
            f"and save() need picklable values: rename the variable so it is not logged, "
            f"or log a path to it instead"
        ) from exc


def _dump(value: Any, path: Path) -> None:
    """Writes atomically, so a killed process never leaves a half file under a good name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    joblib.dump(value, tmp)
    os.replace(tmp, path)


def store_object(value: Any, what: str) -> str:
    """Saves by content under SAVE_DIR unless that content is already there; returns the path."""
    path = save_dir() / f"{content_hash(value, what)}.joblib"
    if not path.exists():
        _dump(value, path)
    return str(path)


def save(obj: Any, pathname: str | os.PathLike[str] | None = None) -> str:
    """Saves ``obj`` with joblib and returns the path.

    Without ``pathname`` the file goes under ``SAVE_DIR``, named by content. Inside a
    decorated function or a ``start_run`` block, the path becomes an output of the run.
    """
    if pathname is None:
        path = store_object(obj, "save(obj)")
    else:
        path = os.fspath(pathname)
        if not isinstance(path, str) or not path:
            raise ValueError(f"pathname must be a non-empty path, got {pathname!r}")
        _dump(obj, Path(path))
    run = active_run()
    if run is not None:
        run.add_output(path)
    return path


def load(pathname: str | os.PathLike[str]) -> Any:
    """Loads a joblib file; inside a run, the path becomes an input (unless it made it)."""
    path = os.fspath(pathname)
    if not isinstance(path, str) or not path:
        raise ValueError(f"pathname must be a non-empty path, got {pathname!r}")
    value = joblib.load(path)
    run = active_run()
    if run is not None and all(p.name != path for p in run.outputs):
        run.add_input(path)
    return value


def _is_frame(value: Any) -> bool:
    module = type(value).__module__
    return module.split(".")[0] == "pandas" and type(value).__name__ in ("DataFrame", "Series")


def _approx_size(value: Any) -> int:
    nbytes = getattr(value, "nbytes", None)
    if isinstance(nbytes, int):
        return nbytes
    return sys.getsizeof(value)


def wants_logging(name: str, value: Any) -> bool:
    """mltrace's rule: names with "data" or "model", DataFrames, and values over 1 MB."""
    if value is None or name.startswith("_") or isinstance(value, type | ModuleType):
        return False
    lowered = name.lower()
    return (
        "data" in lowered
        or "model" in lowered
        or _is_frame(value)
        or _approx_size(value) > LARGE_VALUE_BYTES
    )


def pointer_for(name: str, value: Any, what: str) -> IOPointer:
    """A pointer for a value: a str is a name already, anything else is saved by content."""
    if isinstance(value, str):
        return IOPointer(value)
    if isinstance(value, os.PathLike):
        return IOPointer(os.fspath(value))
    path = store_object(value, what)
    kind = infer_pointer_type(name)
    if kind is PointerType.UNKNOWN and _is_frame(value):
        kind = PointerType.DATA
    return IOPointer(path, value=f"{name}: {type(value).__name__}", pointer_type=kind)


def auto_pointers(values: Mapping[str, Any], where: str) -> list[IOPointer]:
    """The pointers auto_log makes for the qualifying values of a mapping."""
    return [
        pointer_for(name, value, f"{where} {name!r}")
        for name, value in values.items()
        if wants_logging(name, value)
    ]
