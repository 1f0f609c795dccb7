"""The durable spool: runs that could not reach Neo4j wait here as JSON lines.

A pipeline must not fail because the lineage database is down, and a run must not be lost
because the process dies. So a run that cannot be written is appended as one line of JSON
to ``$MLTRACE_HOME/spool/runs.jsonl`` under an exclusive file lock, then fsync'ed. A
process killed mid-write leaves at most one torn last line; the next append starts on a
fresh line, and replay sets torn lines aside in ``corrupt.jsonl`` instead of failing.

Replay (``mltrace-graph sync``, or automatically at the next successful log) writes the
lines in batches through the same statement as a live log, which skips runs whose uid is
already in the graph, and then removes exactly the bytes it wrote. Lines appended while
it ran stay. One replayer at a time holds ``replay.lock``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mltrace_graph.config import mltrace_home
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import write_rows

FORMAT_VERSION = 1
BATCH_SIZE = 200
_TIMESTAMPS = ("start_timestamp", "end_timestamp")


def spool_dir() -> Path:
    return mltrace_home() / "spool"


def spool_file() -> Path:
    return spool_dir() / "runs.jsonl"


def encode(row: dict[str, Any]) -> bytes:
    """One spool line for a row made by ``run_to_row`` (datetimes as ISO 8601)."""
    plain = dict(row)
    for key in _TIMESTAMPS:
        plain[key] = row[key].isoformat()
    return json.dumps({"v": FORMAT_VERSION, "row": plain}, separators=(",", ":")).encode() + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    """The row of one spool line; ValueError if the line is torn or not ours."""
    data = json.loads(line)
    if not isinstance(data, dict) or data.get("v") != FORMAT_VERSION:
        raise ValueError("not a spool line of this version")
    row = data["row"]
    if not isinstance(row, dict) or not isinstance(row.get("uid"), str):
        raise ValueError("spool line has no run")
    for key in _TIMESTAMPS:
        row[key] = datetime.fromisoformat(row[key])
    return row


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[int]:
    """An fd on ``path`` under an exclusive lock, reopened if replay replaced the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                yield fd
                return
        finally:
            os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append(rows: Sequence[dict[str, Any]]) -> Path:
    """Appends rows durably (written and fsync'ed before this returns)."""
    path = spool_file()
    data = b"".join(encode(row) for row in rows)
    created = not path.exists()
    with _locked(path) as fd:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data  # a killed writer left a torn line: keep it on its own line
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    if created:
        _fsync_dir(path.parent)
    return path


def pending_count() -> int:
    """How many lines wait in the spool (torn ones included)."""
    try:
        with spool_file().open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    except FileNotFoundError:
        return 0


def has_pending() -> bool:
    """Cheap check (one stat) made before every log."""
    try:
        return spool_file().stat().st_size > 0
    except FileNotFoundError:
        return False


@dataclass(frozen=True)
class ReplayReport:
    written: int
    corrupt: int


class ReplayBusy(Exception):
    """Another process is replaying the spool right now."""


@contextlib.contextmanager
def _replay_lock(blocking: bool) -> Iterator[None]:
    lock_path = spool_dir() / "replay.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            raise ReplayBusy("another process is replaying the spool") from exc
        yield
    finally:
        os.close(fd)


def replay(
    db: Database,
    *,
    blocking: bool = True,
    on_written: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ReplayReport:
    """Writes spooled runs to Neo4j and removes what was written.

    If the database fails part-way, the batches already written are removed and the
    error propagates; the rest stays for the next attempt.
    """
    with _replay_lock(blocking):
        path = spool_file()
        with _locked(path) as fd:
            content = os.pread(fd, os.fstat(fd).st_size, 0)
        rows: list[tuple[dict[str, Any], int]] = []  # (row, offset just past its line)
        corrupt: list[tuple[bytes, int]] = []
        offset = 0
        for line in content.splitlines(keepends=True):
            offset += len(line)
            if not line.strip():
                continue
            try:
                rows.append((decode(line), offset))
            except (ValueError, KeyError, TypeError):
                corrupt.append((line.rstrip(b"\n") + b"\n", offset))
        done_offset = 0
        written = 0
        try:
            for start in range(0, len(rows), batch_size):
                batch = rows[start : start + batch_size]
                write_rows(db, [row for row, _ in batch])
                written += len(batch)
                done_offset = batch[-1][1]
                if on_written is not None:
                    on_written(len(batch))
            done_offset = offset  # everything read was written or set aside
        finally:
            moved = [line for line, end in corrupt if end <= done_offset]
            _drop_prefix(path, done_offset, moved)
    return ReplayReport(written=written, corrupt=len(moved))


def _drop_prefix(path: Path, length: int, corrupt: Sequence[bytes]) -> None:
    """Removes the first ``length`` bytes (replayed), keeping anything appended since."""
    if length == 0:
        return
    if corrupt:
        with (spool_dir() / "corrupt.jsonl").open("ab") as handle:
            handle.write(b"".join(corrupt))
            handle.flush()
            os.fsync(handle.fileno())
    with _locked(path) as fd:
        rest = os.pread(fd, max(os.fstat(fd).st_size - length, 0), length)
        if not rest:
            os.ftruncate(fd, 0)
            os.fsync(fd)
            return
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            handle.write(rest)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
