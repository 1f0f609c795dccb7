"""IOPointer: a named input or output of a component run (a file, a model, a prediction id)."""

from __future__ import annotations

import enum
from pathlib import PurePosixPath
from typing import Any

DATA_EXTENSIONS = frozenset(
    {
        ".csv",
        ".pq",
        ".parquet",
        ".txt",
        ".json",
        ".tsv",
        ".feather",
        ".avro",
        ".orc",
        ".xlsx",
        ".xls",
        ".npy",
        ".npz",
        ".h5",
        ".hdf5",
    }
)
MODEL_EXTENSIONS = frozenset(
    {
        ".pkl",
        ".pickle",
        ".joblib",
        ".pt",
        ".pth",
        ".h5m",
        ".onnx",
        ".ckpt",
        ".sav",
        ".model",
        ".bin",
        ".safetensors",
    }
)
MAX_NAME_LENGTH = 1024


class PointerType(enum.StrEnum):
    """What an IOPointer points at; stored as its string value."""

    DATA = "DATA"
    MODEL = "MODEL"
    ENDPOINT = "ENDPOINT"
    UNKNOWN = "UNKNOWN"


# mltrace's name for the same enum, so ``mltrace.PointerTypeEnum.DATA`` keeps working.
PointerTypeEnum = PointerType
_BY_VALUE: dict[str | None, PointerType] = {t.value: t for t in PointerType}


def infer_pointer_type(name: str) -> PointerType:
    """Guesses the type from the name: "data"/"model" in it first, then the file extension."""
    lowered = name.lower()
    if "data" in lowered:
        return PointerType.DATA
    if "model" in lowered:
        return PointerType.MODEL
    suffix = PurePosixPath(lowered).suffix
    if suffix in DATA_EXTENSIONS:
        return PointerType.DATA
    if suffix in MODEL_EXTENSIONS:
        return PointerType.MODEL
    return PointerType.UNKNOWN


def validate_name(name: object, what: str = "IOPointer name") -> str:
    """Names key the graph, so empty or absurd ones are refused before anything is written."""
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a str, got {type(name).__name__}: {name!r}")
    if not name.strip():
        raise ValueError(f"{what} must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(
            f"{what} is {len(name)} characters long; the limit is {MAX_NAME_LENGTH} "
            f"(starts {name[:40]!r})"
        )
    return name


class IOPointer:
    """A named artefact that runs consume or produce; ``flag`` marks it as wrong."""

    def __init__(
        self,
        name: str,
        value: Any = "",
        pointer_type: PointerType | str | None = None,
        flag: bool = False,
    ) -> None:
        self._name = validate_name(name)
        self.value = value
        self.pointer_type = (
            infer_pointer_type(name) if pointer_type is None else PointerType(pointer_type)
        )
        self.flag = bool(flag)

    @classmethod
    def restored(cls, name: str, value: Any, pointer_type: str | None, flag: bool) -> IOPointer:
        """A pointer read back from the graph, where it was validated when it was logged.

        Skipping validation and type inference here is a quarter of the Python time of
        reading a 1,000-run backtrace.
        """
        pointer = cls.__new__(cls)
        pointer._name = name
        pointer.value = value
        pointer.pointer_type = _BY_VALUE.get(pointer_type) or infer_pointer_type(name)
        pointer.flag = bool(flag)
        return pointer

    @property
    def name(self) -> str:
        return self._name

    def to_dictionary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "pointer_type": self.pointer_type.value,
            "flag": self.flag,
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IOPointer) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"IOPointer({self.name!r}, type={self.pointer_type.value}, flag={self.flag})"
