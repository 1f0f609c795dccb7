"""The process-wide Neo4j driver and the translation of driver failures into our errors.

One driver per process and per settings: the driver is thread-safe and pools its
connections, so opening one per call would cost a TCP and Bolt handshake each time. A
process forked after the driver was made (gunicorn workers) gets a fresh one, because
sockets must not be shared across a fork.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import Driver, GraphDatabase, RoutingControl
from neo4j import exceptions as neo4j_errors

from mltrace_graph.config import Settings, load_settings
from mltrace_graph.errors import DatabaseAuthError, DatabaseError, DatabaseUnavailableError

T = TypeVar("T")

MAX_RETRY_SECONDS = 15.0
_lock = threading.Lock()
_drivers: dict[tuple[int, Settings], Driver] = {}


def get_driver(settings: Settings | None = None) -> Driver:
    """The pooled driver for these settings in this process, created on first use."""
    settings = settings or load_settings()
    key = (os.getpid(), settings)
    driver = _drivers.get(key)
    if driver is not None:
        return driver
    with _lock:
        driver = _drivers.get(key)
        if driver is None:
            driver = GraphDatabase.driver(
                settings.uri,
                auth=settings.auth,
                connection_timeout=5.0,
                connection_acquisition_timeout=30.0,
                max_transaction_retry_time=MAX_RETRY_SECONDS,
                notifications_min_severity="OFF",
                user_agent="mltrace-graph",
            )
            try:
                with translated_errors(settings):
                    # Fails fast on a wrong address or password, instead of retrying
                    # transactions for max_transaction_retry_time against a dead server.
                    driver.verify_connectivity()
            except BaseException:
                driver.close()
                raise
            _drivers[key] = driver
    return driver


def close_drivers() -> None:
    """Closes every driver this process opened (tests, CLI exit, server shutdown)."""
    with _lock:
        for (pid, _), driver in list(_drivers.items()):
            if pid == os.getpid():
                driver.close()
        _drivers.clear()


@contextmanager
def translated_errors(settings: Settings) -> Iterator[None]:
    """Turns every driver exception into one of ours: reachability, auth, busy, refused."""
    try:
        yield
    except neo4j_errors.AuthError as exc:
        raise DatabaseAuthError(
            f"Neo4j at {settings.uri} refused the credentials of user {settings.user!r}: set "
            f"NEO4J_USER / NEO4J_PASSWORD (or MLTRACE_NEO4J_PASSWORD) to the right values"
        ) from exc
    except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as exc:
        raise DatabaseUnavailableError(
            f"cannot reach Neo4j at {settings.uri}: {_first_line(exc)}. Start the local one "
            f"with 'mltrace-graph neo4j start', or set NEO4J_URI to a running server"
        ) from exc
    except neo4j_errors.TransientError as exc:
        raise DatabaseUnavailableError(
            f"Neo4j at {settings.uri} is busy ({_first_line(exc)}); try again later"
        ) from exc
    except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
        # Driver exceptions stay inside the store: above it only our errors exist.
        raise DatabaseError(
            f"Neo4j at {settings.uri} refused a query: {_first_line(exc)}",
            code=getattr(exc, "code", None) or type(exc).__name__,
        ) from exc


def _first_line(exc: BaseException) -> str:
    """The useful part of a driver message ("connection refused"), without socket tuples."""
    text = str(exc).strip() or type(exc).__name__
    reason = re.search(r"reason \[Errno \d+\] ([^)]+)", text)
    if reason:
        return reason.group(1).strip().lower()
    return text.splitlines()[0].rstrip(":.")


def _plain(record: neo4j.Record) -> dict[str, Any]:
    """A record as a dict, without ``Record.data()``'s deep walk.

    Our queries return maps, lists and scalars (never bare nodes), which the driver already
    decodes into Python objects; ``data()`` re-walked every nested value, which cost more
    than the query itself for a 1,000-run trace.
    """
    return dict(zip(record.keys(), record.values(), strict=True))


class Database:
    """A handle on one Neo4j database: runs queries with our error translation.

    The store's modules receive a ``Database`` rather than a driver, so the settings used for
    error messages and the database name travel with it.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()

    @property
    def driver(self) -> Driver:
        return get_driver(self.settings)

    def read(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        """One read round trip, routed to a reader in a cluster; returns plain dicts."""
        with translated_errors(self.settings):
            records, _, _ = self.driver.execute_query(
                query, params, routing_=RoutingControl.READ, database_=self.settings.database
            )
        return [_plain(record) for record in records]

    def write(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        """One write round trip in a retried transaction; returns plain dicts."""
        with translated_errors(self.settings):
            records, _, _ = self.driver.execute_query(
                query, params, routing_=RoutingControl.WRITE, database_=self.settings.database
            )
        return [_plain(record) for record in records]

    def write_idempotent(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        """One write in an auto-commit transaction: a single network round trip.

        ``write`` needs three (BEGIN+RUN, PULL, COMMIT); here the server commits before it
        answers the PULL. Transient failures (deadlocks, lock timeouts) are retried as the
        driver would, so this is only for statements that are safe to run twice, such as
        ``RECORD_RUNS``, which skips runs whose uid is already written. An unreachable
        server is not retried: it raises ``DatabaseUnavailableError`` at once.
        """
        delay = 0.05
        deadline = time.monotonic() + MAX_RETRY_SECONDS
        with translated_errors(self.settings):
            while True:
                try:
                    with self._session() as session:
                        result = session.run(query, params)
                        return [_plain(record) for record in result]
                except neo4j_errors.Neo4jError as exc:
                    if not exc.is_retryable():
                        raise
                    if time.monotonic() + delay > deadline:
                        raise DatabaseUnavailableError(
                            f"Neo4j at {self.settings.uri} stayed busy for "
                            f"{MAX_RETRY_SECONDS:.0f} s ({_first_line(exc)}); try again later"
                        ) from exc
                time.sleep(delay * (0.8 + 0.4 * random.random()))
                delay = min(delay * 2, 1.0)

    def write_unit(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        """Runs a multi-statement unit of work in one retried write transaction."""
        with translated_errors(self.settings), self.session() as session:
            return session.execute_write(work)

    @contextmanager
    def session(self, **kwargs: Any) -> Iterator[neo4j.Session]:
        """A session that shares bookmarks with ``read``/``write`` (read-your-writes).

        Driver exceptions raised in the ``with`` block that the caller does not handle
        become our errors on the way out.
        """
        with translated_errors(self.settings), self._session(**kwargs) as session:
            yield session

    @contextmanager
    def _session(self, **kwargs: Any) -> Iterator[neo4j.Session]:
        with self.driver.session(
            database=self.settings.database,
            bookmark_manager=self.driver.execute_query_bookmark_manager,
            **kwargs,
        ) as session:
            yield session

    def ping(self) -> None:
        """Raises a clear error unless the database answers with our credentials."""
        with translated_errors(self.settings):
            self.driver.verify_connectivity()
            self.driver.execute_query("RETURN 1", database_=self.settings.database)
