"""Connection and storage settings, resolved in one place.

Precedence for each setting, highest first:

1. a value set from Python on the ``Client`` (``set_db_uri``, ``set_address``,
   ``Client.configure``);
2. the ``MLTRACE_``-prefixed environment variable (``MLTRACE_NEO4J_URI``);
3. the plain Neo4j environment variable (``NEO4J_URI``);
4. the local Neo4j started by ``mltrace-graph neo4j start`` (its URI and generated password);
5. the default (``bolt://127.0.0.1:7687``, user ``neo4j``).

``neo4j://`` URIs are passed to the driver unchanged, so a cluster or Aura works the same
way as the local server.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from mltrace_graph.errors import ConfigurationError

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"
VALID_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
PASSWORD_FILE = "neo4j-password"
STATE_FILE = "neo4j-state.json"


def _env(name: str) -> str | None:
    """Reads ``MLTRACE_<name>`` first, then ``<name>``; blank counts as unset."""
    for key in (f"MLTRACE_{name}", name):
        value = os.environ.get(key)
        if value is not None and value.strip():
            return value.strip()
    return None


def mltrace_home() -> Path:
    """Where local state lives: the Neo4j data folder, its password, the spool."""
    raw = os.environ.get("MLTRACE_HOME", "").strip()
    return Path(raw).expanduser() if raw else Path.home() / ".mltrace-graph"


def cache_dir() -> Path:
    """Where the Neo4j jars are cached; kept apart from data so it can be shared."""
    raw = os.environ.get("MLTRACE_CACHE_DIR", "").strip()
    if raw:
        return Path(raw).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "mltrace-graph"


def validate_uri(uri: str) -> str:
    """Rejects URIs the driver would fail on later with a less helpful message."""
    parts = urlsplit(uri)
    if parts.scheme not in VALID_SCHEMES or not parts.hostname:
        raise ConfigurationError(
            f"Neo4j URI {uri!r} is not valid: use SCHEME://HOST[:PORT] with SCHEME one of "
            f"{', '.join(VALID_SCHEMES)} (for example bolt://127.0.0.1:7687 or "
            f"neo4j+s://xxxx.databases.neo4j.io)"
        )
    return uri


def local_state(home: Path | None = None) -> dict[str, object] | None:
    """The state file the local launcher writes while its Neo4j runs, if any."""
    path = (home or mltrace_home()) / STATE_FILE
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def local_password(home: Path | None = None) -> str | None:
    """The password generated for the local Neo4j on its first start, if there is one."""
    try:
        return (home or mltrace_home()).joinpath(PASSWORD_FILE).read_text().strip() or None
    except OSError:
        return None


@dataclass(frozen=True)
class Settings:
    """Everything needed to open a connection; immutable so it can key a driver cache."""

    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: str | None = field(default=None, repr=False)
    database: str | None = None

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.user, self.password) if self.password is not None else None


@dataclass(frozen=True)
class Overrides:
    """Values a program set from Python (``Client.configure``); they win over the environment."""

    uri: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    database: str | None = None

    def updated(
        self,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
    ) -> Overrides:
        """These overrides with the given values changed; ``None`` keeps a value."""
        return replace(
            self,
            uri=validate_uri(uri) if uri is not None else self.uri,
            user=user if user is not None else self.user,
            password=password if password is not None else self.password,
            database=database if database is not None else self.database,
        )


def load_settings(overrides: Overrides | None = None) -> Settings:
    """Resolves the settings in the documented order of precedence."""
    given = overrides or Overrides()
    state = local_state()
    state_uri = state.get("uri") if state else None
    uri = given.uri or _env("NEO4J_URI") or (str(state_uri) if state_uri else DEFAULT_URI)
    password = given.password or _env("NEO4J_PASSWORD") or local_password()
    return Settings(
        uri=validate_uri(uri),
        user=given.user or _env("NEO4J_USER") or DEFAULT_USER,
        password=password,
        database=given.database or _env("NEO4J_DATABASE"),
    )


def host_changed(uri: str, address: str) -> str:
    """``uri`` with only its host replaced by ``address`` (mltrace's ``set_address``)."""
    if not address or any(ch in address for ch in "/@ "):
        raise ConfigurationError(
            f"address {address!r} is not a host name or IP address; to set a full URI use "
            f"set_db_uri('bolt://HOST:7687')"
        )
    current = urlsplit(uri)
    port = f":{current.port}" if current.port else ""
    return urlunsplit((current.scheme, f"{address}{port}", current.path, "", ""))
