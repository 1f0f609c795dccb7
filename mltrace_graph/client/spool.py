"""The durable spool: runs that could not reach Neo4j wait here as JSON lines.

A pipeline must not fail because the lineage database is down, and a run must not be lost
because the process dies. So a run that cannot be written is appended as one line of JSON
to ``$MLTRACE_HOME/spool/runs.jsonl`` under an exclusive file lock, then fsync'ed. A
process killed mid-write leaves at most one torn last line; the next append starts on a
fresh line, and replay sets torn lines aside in ``corrupt.jsonl`` instead of failing.

Each line holds one wire row (``mltrace_graph.wire``), the same form a live log sends, so a
replayed run is written exactly as it would have been. Replay (``mltrace-graph sync``, or
automatically at the next successful log) writes the lines in batches through the same
statement as a live log, which skips runs whose uid is already in the graph, and then
removes exactly the bytes it wrote. Lines appended while it ran stay. One replayer at a
time holds ``replay.lock``. A ``Spool`` is a folder; the client's is
``$MLTRACE_HOME/spool``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from mltrace_graph.errors import InvalidInputError
from mltrace_graph.wire import Row, check_row

BATCH_SIZE = 200


def encode(row: Row) -> bytes:
    """One spool line: the wire row as compact JSON."""
    return json.dumps(row, separators=(",", ":")).encode() + b"\n"


def decode(line: bytes) -> Row:
    """The checked wire row of one spool line; ValueError if the line is torn or not a run.

    Lines written by version 1 (``{"v": 1, "row": {...}}``) are read too.
    """
    data = json.loads(line)
    if isinstance(data, dict) and data.get("v") == 1 and isinstance(data.get("row"), dict):
        data = {**data["row"], "v": 1}
    try:
        return check_row(data, "spool line")
    except InvalidInputError as exc:
        raise ValueError(str(exc)) from exc


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


@dataclass(frozen=True)
class ReplayReport:
    written: int
    corrupt: int


class ReplayBusy(Exception):
    """Another process is replaying the spool right now."""


@dataclass(frozen=True)
class Spool:
    """The spool in one folder: ``runs.jsonl``, ``corrupt.jsonl`` and ``replay.lock``."""

    directory: Path

    @property
    def file(self) -> Path:
        return self.directory / "runs.jsonl"

    @property
    def corrupt_file(self) -> Path:
        return self.directory / "corrupt.jsonl"

    def append(self, rows: Sequence[Row]) -> Path:
        """Appends rows durably (written and fsync'ed before this returns)."""
        path = self.file
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

    def pending_count(self) -> int:
        """How many lines wait in the spool (torn ones included)."""
        try:
            with self.file.open("rb") as handle:
                return sum(1 for line in handle if line.strip())
        except FileNotFoundError:
            return 0

    def has_pending(self) -> bool:
        """Cheap check (one stat) made before every log."""
        try:
            return self.file.stat().st_size > 0
        except FileNotFoundError:
            return False

    @contextlib.contextmanager
    def _replay_lock(self, blocking: bool) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.directory / "replay.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError as exc:
                raise ReplayBusy(
                    f"another process is replaying the spool in {self.directory}"
                ) from exc
            yield
        finally:
            os.close(fd)

    def replay(
        self,
        write: Callable[[Sequence[Row]], object],
        *,
        blocking: bool = True,
        on_written: Callable[[int], None] | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> ReplayReport:
        """Writes spooled runs with ``write`` (a transport's) and removes what was written.

        If the write fails part-way, the batches already written are removed and the
        error propagates; the rest stays for the next attempt.
        """
        with self._replay_lock(blocking):
            path = self.file
            with _locked(path) as fd:
                content = os.pread(fd, os.fstat(fd).st_size, 0)
            rows: list[tuple[Row, int]] = []  # (row, offset just past its line)
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
                    write([row for row, _ in batch])
                    written += len(batch)
                    done_offset = batch[-1][1]
                    if on_written is not None:
                        on_written(len(batch))
                done_offset = offset  # everything read was written or set aside
            finally:
                moved = [line for line, end in corrupt if end <= done_offset]
                self._drop_prefix(done_offset, moved)
        return ReplayReport(written=written, corrupt=len(moved))

    def _drop_prefix(self, length: int, corrupt: Sequence[bytes]) -> None:
        """Removes the first ``length`` bytes (replayed), keeping anything appended since."""
        if length == 0:
            return
        path = self.file
        if corrupt:
            with self.corrupt_file.open("ab") as handle:
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
