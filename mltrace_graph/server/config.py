"""How the server runs: address, auth policy and limits, from arguments or the environment."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from mltrace_graph.errors import ConfigurationError

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _flag(name: str) -> bool | None:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return None
    if raw in ("1", "true", "on", "yes"):
        return True
    if raw in ("0", "false", "off", "no"):
        return False
    raise ConfigurationError(f"{name}={raw!r} is not valid: use on or off")


@dataclass(frozen=True)
class ServerConfig:
    """The server's policy. ``read_auth=None`` means: tokens for reads unless on loopback.

    Attributes:
        host: the address the server binds to (decides the default read policy).
        auth: when False no token is asked for anything (refused off loopback unless
            ``force_insecure``).
        read_auth: tokens for reads too; ``None`` = only when ``host`` is not loopback.
        debug: GraphQL errors are shown unmasked.
        max_body_bytes: larger request bodies (also once un-gzipped) get 413.
        cypher_timeout: seconds an ad hoc query may run.
        cypher_row_limit: rows an ad hoc query returns at most.
        metrics_refresh_seconds: how often, at most, ``/metrics`` re-reads the lineage gauges
            (in the background; scrapes serve the last snapshot).
        static_dir: the built web app served at ``/``.
    """

    host: str = "127.0.0.1"
    port: int = 8080
    auth: bool = True
    read_auth: bool | None = None
    force_insecure: bool = False
    debug: bool = False
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    cypher_timeout: float = 10.0
    cypher_row_limit: int = 1000
    metrics_refresh_seconds: float = 30.0
    static_dir: Path = field(default=STATIC_DIR)

    @property
    def reads_need_token(self) -> bool:
        if not self.auth:
            return False
        return not is_loopback(self.host) if self.read_auth is None else self.read_auth

    def check(self) -> ServerConfig:
        """Refuses to expose an unauthenticated server beyond this machine."""
        if not self.auth and not is_loopback(self.host) and not self.force_insecure:
            raise ConfigurationError(
                f"refusing to serve on {self.host} with auth disabled: anyone who can reach it "
                f"could write to the lineage graph; enable auth (create a token with "
                f"'mltrace-graph token create --name NAME'), bind to 127.0.0.1, or pass "
                f"--force-insecure"
            )
        return self

    @classmethod
    def from_env(cls, **overrides: object) -> ServerConfig:
        """The policy from ``MLTRACE_SERVER_{HOST,AUTH,READ_AUTH,DEBUG,FORCE_INSECURE}``.

        Under gunicorn the app cannot see the bound address, so set ``MLTRACE_SERVER_HOST``
        to it: the read-token default and the refusal to run unauthenticated depend on it.
        """
        host = os.environ.get("MLTRACE_SERVER_HOST", "").strip()
        config = cls(host=host) if host else cls()
        force = _flag("MLTRACE_SERVER_FORCE_INSECURE")
        config = replace(config, force_insecure=bool(force))
        auth = _flag("MLTRACE_SERVER_AUTH")
        read_auth = _flag("MLTRACE_SERVER_READ_AUTH")
        debug = _flag("MLTRACE_SERVER_DEBUG")
        refresh = os.environ.get("MLTRACE_SERVER_METRICS_REFRESH_SECONDS", "").strip()
        if refresh:
            try:
                config = replace(config, metrics_refresh_seconds=float(refresh))
            except ValueError as exc:
                raise ConfigurationError(
                    f"MLTRACE_SERVER_METRICS_REFRESH_SECONDS={refresh!r} is not a number of seconds"
                ) from exc
        config = replace(
            config,
            auth=config.auth if auth is None else auth,
            read_auth=read_auth,
            debug=bool(debug),
        )
        return replace(config, **overrides)  # type: ignore[arg-type]
