"""Request bodies: JSON only, optionally gzip-compressed, bounded before and after inflating."""

from __future__ import annotations

import json
import zlib
from typing import Any

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from mltrace_graph.errors import InvalidInputError
from mltrace_graph.server.state import state


def _inflate(raw: bytes, limit: int) -> bytes:
    """Un-gzips without ever holding more than ``limit`` bytes (a small bomb stays small)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise InvalidInputError(f"the body is not valid gzip: {exc}", field="body") from exc
    if len(data) > limit:
        raise RequestEntityTooLarge()
    return data


def read_json() -> Any:
    """The parsed JSON body; 400 for invalid JSON or encoding, 413 when too large."""
    raw = request.get_data(cache=True)  # MAX_CONTENT_LENGTH applies here: 413 above it
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding == "gzip" or raw[:2] == b"\x1f\x8b":
        raw = _inflate(raw, state().config.max_body_bytes)
    elif encoding not in ("", "identity"):
        raise InvalidInputError(
            f"Content-Encoding {encoding!r} is not supported; send gzip or plain JSON",
            field="Content-Encoding",
        )
    if not raw.strip():
        raise InvalidInputError("the request body is empty; send a JSON document", field="body")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"the request body is not valid JSON: {exc}", field="body") from exc
