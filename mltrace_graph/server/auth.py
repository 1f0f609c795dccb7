"""API-token checks: writes and ad hoc Cypher always need one, reads when configured so."""

from __future__ import annotations

from typing import Literal

from flask import g, request

from mltrace_graph.errors import AuthenticationError
from mltrace_graph.server.state import state
from mltrace_graph.store import tokens
from mltrace_graph.store.flags import ANONYMOUS_ACTOR

Access = Literal["read", "write"]


def bearer_secret() -> str | None:
    """The secret from ``Authorization: Bearer <secret>`` (what OpenLineage clients send)."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def token_needed(access: Access) -> bool:
    config = state().config
    if not config.auth:
        return False
    return access == "write" or config.reads_need_token


def authenticate(access: Access) -> None:
    """Raises ``AuthenticationError`` unless this request may do ``access``.

    The verified token is remembered for the rest of the request, so a GraphQL request with
    many fields checks it once.
    """
    if not token_needed(access):
        return
    if getattr(g, "mltrace_token", None) is not None:
        return
    secret = bearer_secret()
    what = "writes and ad hoc Cypher need" if access == "write" else "this server needs"
    if secret is None:
        raise AuthenticationError(
            f"{what} an API token: send 'Authorization: Bearer <token>' (create one with "
            f"'mltrace-graph token create --name NAME')"
        )
    token = tokens.find_active_token(state().db, secret)
    if token is None:
        raise AuthenticationError("the API token is unknown or revoked")
    g.mltrace_token = token


def actor() -> str:
    """Who makes this request's writes, for the flag audit trail (``store.flags``).

    The verified token's name; ``"anonymous"`` when the server asked for no token (call
    ``authenticate("write")`` first, as every mutation does).
    """
    token = getattr(g, "mltrace_token", None)
    return ANONYMOUS_ACTOR if token is None else str(token.name)
