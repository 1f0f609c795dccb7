"""The ``Client``: one logging program's settings, transport, outage window and spool.

Everything that used to be module-level state (connection values set from Python, the
server set with ``set_server``, the outage window, the once-per-outage spool notice) lives
on a ``Client``, so a test or a program logging to two graphs can own several. The
mltrace-compatible functions (``log_component_run``, ``set_db_uri``, ``backtrace``, ...) use
``default_client()``, made on first use; ``import mltrace_graph as mltrace`` needs nothing
else.

Logging never fails a pipeline because the lineage store is down: the rows go to the
durable spool with one warning per outage, and are replayed by ``mltrace-graph sync`` or by
the next log that reaches Neo4j. After a failed attempt, logs to the same address within
``RETRY_AFTER_SECONDS`` go straight to the spool: a pooled driver retries a dead server for
up to 15 seconds, which would otherwise stall every step of a pipeline during an outage.
"""

from __future__ import annotations

import functools
import os
import threading
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from mltrace_graph import config
from mltrace_graph.client.spool import ReplayBusy, Spool
from mltrace_graph.client.transport import BoltTransport, HttpTransport, Transport, Unreachable
from mltrace_graph.config import Overrides, Settings
from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.errors import (
    ConfigurationError,
    SpooledRunWarning,
    StaleRunWarning,
)
from mltrace_graph.store.connection import Database
from mltrace_graph.wire import DEFAULT_STALENESS_THRESHOLD, Row, apply_written, encode_run

RETRY_AFTER_SECONDS = 30.0


def _threshold(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(
            f"staleness_threshold must be a number of seconds >= 0, got {value!r} "
            f"(the default is {DEFAULT_STALENESS_THRESHOLD}, 30 days)"
        )
    return int(value)


class Client:
    """Where a program logs to and reads from, and what it remembers between calls.

    Args:
        home: the folder for local state (the spool); default ``$MLTRACE_HOME`` or
            ``~/.mltrace-graph``, read when needed.

    Thread-safe: the driver pools connections, and the outage state has a lock.
    """

    def __init__(self, *, home: Path | None = None) -> None:
        self._home = home
        self._overrides = Overrides()
        self._server: HttpTransport | None = None
        self._outage_until: dict[str, float] = {}
        self._warned = False
        self._lock = threading.Lock()

    # --- where to -----------------------------------------------------------------------

    @property
    def home(self) -> Path:
        return self._home or config.mltrace_home()

    @property
    def spool(self) -> Spool:
        return Spool(self.home / "spool")

    def configure(
        self,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
    ) -> Settings:
        """Sets connection values for this client; ``None`` leaves a value as it was."""
        self._overrides = self._overrides.updated(uri, user, password, database)
        return self.settings()

    def settings(self) -> Settings:
        """The Neo4j settings in the documented order (see ``mltrace_graph.config``)."""
        return config.load_settings(self._overrides)

    def database(self) -> Database:
        return Database(self.settings())

    def set_server(self, url: str, token: str | None = None) -> None:
        """Logs through the server at ``url`` (``http(s)://host:port``) with API ``token``."""
        self._server = _server(url, token)

    def server(self) -> HttpTransport | None:
        """The server set here, else from ``MLTRACE_SERVER_URL``, else ``None`` (Bolt)."""
        if self._server is not None:
            return self._server
        url = os.environ.get("MLTRACE_SERVER_URL", "").strip()
        if not url:
            return None
        token = os.environ.get("MLTRACE_SERVER_TOKEN", "").strip() or None
        return _server(url, token)

    def reset(self) -> None:
        """Forgets values set from Python and the outage state, so the environment decides."""
        with self._lock:
            self._overrides = Overrides()
            self._server = None
            self._outage_until.clear()
            self._warned = False

    def transport(self) -> Transport:
        return self.server() or BoltTransport(self.database())

    # --- logging ------------------------------------------------------------------------

    def log_runs(
        self,
        runs: Sequence[ComponentRun],
        *,
        dependencies_from_inputs: bool = True,
        staleness_threshold: int = DEFAULT_STALENESS_THRESHOLD,
    ) -> None:
        """Logs runs in one round trip; sets ``id``, ``stale`` and ``dependency_ids``.

        Stale warnings are shown with ``warnings.warn``. When nothing answers, the runs
        are spooled and keep ``id = None``.
        """
        threshold = _threshold(staleness_threshold)
        rows = [
            encode_run(
                run,
                dependencies_from_inputs=bool(dependencies_from_inputs),
                staleness_threshold=threshold,
            )
            for run in runs
        ]
        if not rows:
            return
        transport = self.transport()
        where = transport.where
        if time.monotonic() < self._outage_until.get(where, 0.0):
            self._spool(rows, f"{where} did not answer a moment ago")
            return
        try:
            if self.spool.has_pending():
                self._replay_quietly(transport)
            written = transport.write(rows)
        except Unreachable as exc:
            with self._lock:
                self._outage_until[where] = time.monotonic() + RETRY_AFTER_SECONDS
            self._spool(rows, str(exc))
            return
        with self._lock:
            self._warned = False
            self._outage_until.pop(where, None)
        for run in runs:
            apply_written(run, written[run.uid])
            for message in run.stale:
                warnings.warn(message, StaleRunWarning, stacklevel=4)

    def _spool(self, rows: list[Row], why: str) -> None:
        """Keeps rows in the spool and warns once per outage, not once per run."""
        spool = self.spool
        path = spool.append(rows)
        with self._lock:
            first, self._warned = not self._warned, True
        if first:
            warnings.warn(
                f"lineage not written, {why}; {len(rows)} run(s) kept in {path}. They are "
                f"written by the next log that reaches Neo4j, or by 'mltrace-graph sync "
                f"--home {self.home}'. (Shown once per outage.)",
                SpooledRunWarning,
                stacklevel=5,
            )

    def _replay_quietly(self, transport: Transport) -> None:
        """Replays the spool before a live write, through the same transport.

        Another process replaying is not an error; nothing answering is an outage.
        """
        spool = self.spool
        try:
            report = spool.replay(transport.write, blocking=False)
        except ReplayBusy:
            return
        except Unreachable:
            raise
        except Exception as exc:
            # A line Neo4j refuses must not fail every later log: report it and go on.
            warnings.warn(
                f"could not replay the spool in {spool.directory} ({exc}); the runs stay "
                f"there, run 'mltrace-graph sync' to retry and see the full error",
                SpooledRunWarning,
                stacklevel=5,
            )
            return
        if report.corrupt:
            warnings.warn(
                f"{report.corrupt} torn line(s) in the spool were set aside in "
                f"{spool.corrupt_file}",
                SpooledRunWarning,
                stacklevel=5,
            )


def _server(url: str, token: str | None) -> HttpTransport:
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"server URL {url!r} is not valid: use http(s)://HOST:PORT, for example "
            f"http://127.0.0.1:8080"
        )
    return HttpTransport(url=url.rstrip("/"), token=token)


@functools.cache
def default_client() -> Client:
    """The client the module-level functions use, made on first use."""
    return Client()


# --- mltrace's configuration functions, on the default client ----------------------------


def set_db_uri(uri: str) -> None:
    """Points this process at a Neo4j URI (mltrace-compatible name)."""
    default_client().configure(uri=uri)


def get_db_uri() -> str:
    """The URI this process will connect to (mltrace-compatible name)."""
    return default_client().settings().uri


def set_address(address: str) -> None:
    """Changes only the host of the current URI, keeping scheme and port (as mltrace did)."""
    client = default_client()
    client.configure(uri=config.host_changed(client.settings().uri, address))


def set_server(url: str, token: str | None = None) -> None:
    """Sends runs to the mltrace-graph server at ``url`` with API ``token``."""
    default_client().set_server(url, token)
