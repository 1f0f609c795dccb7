"""``--as-of``: the one option every CLI read uses to look at the graph as it stood."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

__all__ = ["as_of_option"]

F = TypeVar("F", bound=Callable[..., Any])

as_of_option: Callable[[F], F] = click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="WHEN",
    help=(
        "Look at the graph as it stood at WHEN, an ISO time such as 2026-01-05T09:30 "
        "(no offset means UTC) or 2026-01-05T09:30+02:00: only runs started by then, "
        "the producer that was latest then, and the flags of then."
    ),
)
