"""One exception hierarchy for the whole package.

Every error a user can cause or meet carries a message that names the thing involved
(a URI, a port, a file, an id) and what to do next. The CLI prints it as one line and the
server maps ``http_status`` to a response, so neither needs to know the subclasses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class MltraceGraphError(Exception):
    """Base class: an expected failure with a message fit to show a user."""

    http_status = 500


class ConfigurationError(MltraceGraphError, ValueError):
    """A setting has a value we cannot use."""

    http_status = 400


class DatabaseUnavailableError(MltraceGraphError):
    """Neo4j could not be reached (down, wrong address, timed out)."""

    http_status = 503


class DatabaseAuthError(MltraceGraphError):
    """Neo4j answered but refused the credentials."""

    http_status = 503


class DatabaseError(MltraceGraphError):
    """Neo4j refused a query of ours (a bug or a schema mismatch, not the user's input)."""

    http_status = 500

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        #: Neo4j's status code (``Neo.ClientError.Statement.SyntaxError``) or the driver's class.
        self.code = code


class LauncherError(MltraceGraphError):
    """The local Neo4j could not be prepared, started or stopped."""


class PrerequisiteError(LauncherError):
    """A tool the local Neo4j needs (Java 17+, Maven, the package registry) is missing."""


class PortInUseError(LauncherError):
    """The port asked for the local Neo4j is taken by another process."""

    def __init__(self, port: int) -> None:
        super().__init__(
            f"port {port} on 127.0.0.1 is already in use by another process; choose another "
            f"with --port N or MLTRACE_NEO4J_BOLT_PORT=N"
        )
        self.port = port


class MigrationError(MltraceGraphError):
    """A schema migration is malformed, was edited after it was applied, or failed."""


# How each kind of thing is named in a message: "no run 7", "no output named a.csv".
_NAMED = {"run": "no {kind}{s} {ids}", "token": "no active {kind}{s} named {quoted}"}


class NotFoundError(MltraceGraphError, LookupError):
    """A run, output, component or token that was asked for does not exist.

    ``kind`` says what was looked for ("run", "output", "component", "token") and ``ids``
    the ids or names asked for that do not exist, so callers (the GraphQL ``NotFound``
    type, the CLI) use them directly instead of reading them back out of the message.
    ``hint`` is what to do about it, appended to the message.
    """

    http_status = 404

    def __init__(self, kind: str, ids: str | int | Sequence[str | int], hint: str = "") -> None:
        self.kind = kind
        self.ids: tuple[str, ...] = (
            (str(ids),) if isinstance(ids, str | int) else tuple(str(i) for i in ids)
        )
        template = _NAMED.get(kind, "no {kind}{s} named {ids}")
        message = template.format(
            kind=kind,
            s="s" if len(self.ids) > 1 else "",
            ids=", ".join(self.ids),
            quoted=", ".join(map(repr, self.ids)),
        )
        super().__init__(f"{message}; {hint}" if hint else message)
        self.hint = hint

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions pickle by their args; ours are built from (kind, ids, hint).
        return type(self), (self.kind, self.ids, self.hint)


class InvalidInputError(MltraceGraphError, ValueError):
    """A request's payload is malformed; ``field`` names the part that is wrong."""

    http_status = 400

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class MissingTimestampError(InvalidInputError, RuntimeError):
    """A run is logged without a start or end timestamp (a ``RuntimeError``, as in mltrace)."""


class AdhocQueryError(MltraceGraphError, ValueError):
    """An ad hoc Cypher query does not parse, plan or run."""

    http_status = 400


class CypherRefusedError(MltraceGraphError):
    """An ad hoc Cypher query would write or reach outside the graph, so it was refused."""

    http_status = 403


class QueryTimeoutError(MltraceGraphError):
    """A query ran longer than its time budget and was stopped."""

    http_status = 408


class AuthenticationError(MltraceGraphError):
    """A request needs an API token and had none, or an unknown or revoked one."""

    http_status = 401


class RemoteServerError(MltraceGraphError):
    """The mltrace-graph server could not be reached or refused a request."""

    http_status = 502


class StaleRunWarning(UserWarning):
    """A logged run depends on an old run, or on one that has fresher runs (mltrace's staleness)."""


class SpooledRunWarning(UserWarning):
    """Neo4j was unreachable, so runs wait in the local spool for ``mltrace-graph sync``."""
