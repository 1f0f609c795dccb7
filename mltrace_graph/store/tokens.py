"""API tokens of the server, stored as ``(:ApiToken)`` nodes holding only a sha256 of the secret.

The secret is shown once, when created; the graph keeps its hash and an 8-character prefix
(so a list can tell tokens apart). Revoking keeps the node, with ``revoked_at`` set, so the
list still shows what existed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mltrace_graph.errors import InvalidInputError, NotFoundError
from mltrace_graph.store.connection import Database

TOKEN_PREFIX = "mlt_"
MAX_NAME_LENGTH = 100

CREATE_TOKEN = """
OPTIONAL MATCH (active:ApiToken {name: $name}) WHERE active.revoked_at IS NULL
WITH count(active) AS taken
WHERE taken = 0
CREATE (t:ApiToken {name: $name, hash: $hash, prefix: $prefix, created_at: datetime()})
RETURN t {.name, .prefix, .created_at, .revoked_at} AS token
"""

LIST_TOKENS = """
MATCH (t:ApiToken)
RETURN t {.name, .prefix, .created_at, .revoked_at} AS token
ORDER BY t.created_at
"""

REVOKE_TOKEN = """
MATCH (t:ApiToken {name: $name}) WHERE t.revoked_at IS NULL
SET t.revoked_at = datetime()
RETURN count(t) AS revoked
"""

# What the Cypher door hides from its results (``store.adhoc``), revoked tokens included.
TOKEN_HASHES = """
MATCH (t:ApiToken)
RETURN collect(t.hash) AS hashes
"""

FIND_ACTIVE_TOKEN = """
MATCH (t:ApiToken {hash: $hash}) WHERE t.revoked_at IS NULL
RETURN t {.name, .prefix, .created_at, .revoked_at} AS token
"""


@dataclass(frozen=True)
class ApiToken:
    """What is known about a token without its secret."""

    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


def hash_secret(secret: str) -> str:
    """The stored form of a secret; tokens are random, so an unsalted sha256 suffices."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _token(row: dict[str, Any]) -> ApiToken:
    def native(value: Any) -> datetime | None:
        if value is None:
            return None
        result = value.to_native() if hasattr(value, "to_native") else value
        return result.astimezone(UTC) if isinstance(result, datetime) else None

    created = native(row["created_at"])
    return ApiToken(
        name=row["name"],
        prefix=row["prefix"],
        created_at=created or datetime.now(UTC),
        revoked_at=native(row.get("revoked_at")),
    )


def create_token(db: Database, name: str) -> tuple[ApiToken, str]:
    """Creates a token; returns it with its secret, which is not stored and not shown again."""
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_LENGTH:
        raise InvalidInputError(
            f"token name {name!r} is not valid: use 1 to {MAX_NAME_LENGTH} characters",
            field="name",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    rows = db.write(
        CREATE_TOKEN, name=name, hash=hash_secret(secret), prefix=secret[: len(TOKEN_PREFIX) + 4]
    )
    if not rows:
        raise InvalidInputError(
            f"an active token named {name!r} exists; revoke it first or choose another name",
            field="name",
        )
    return _token(rows[0]["token"]), secret


def list_tokens(db: Database) -> list[ApiToken]:
    """Every token, active and revoked, oldest first."""
    return [_token(row["token"]) for row in db.read(LIST_TOKENS)]


def revoke_token(db: Database, name: str) -> None:
    """Revokes the active token of that name; requests using it are refused from now on."""
    if not db.write(REVOKE_TOKEN, name=name)[0]["revoked"]:
        raise NotFoundError("token", name, hint="'mltrace-graph token list' shows them")


def find_active_token(db: Database, secret: str) -> ApiToken | None:
    """The active token with this secret, or ``None`` (unknown or revoked)."""
    rows = db.read(FIND_ACTIVE_TOKEN, hash=hash_secret(secret))
    return _token(rows[0]["token"]) if rows else None
