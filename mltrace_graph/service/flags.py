"""The flag audit trail: who flagged or unflagged an output, and when (``store.flags``)."""

from __future__ import annotations

from typing import Any

from mltrace_graph.service import arguments
from mltrace_graph.store import flags
from mltrace_graph.store.connection import Database
from mltrace_graph.store.flags import FlagEvent

__all__ = ["FlagEvent", "flag_history", "run_flag_history"]


def flag_history(db: Database, output_id: str) -> list[FlagEvent]:
    """The flag events of one output, newest first.

    Outputs flagged before flag events were recorded (V0120) have no events for that
    flag: it counts as set since ever.

    Raises:
        NotFoundError: no output is named ``output_id``.
    """
    return flags.flag_history(db, arguments.name(output_id, "output_id"))


def run_flag_history(db: Database, run_id: Any) -> list[FlagEvent]:
    """The flag events of every output of one run, newest first (the run card's trail).

    Raises:
        NotFoundError: no run has this id.
    """
    return flags.run_flag_history(db, arguments.run_id(run_id))
