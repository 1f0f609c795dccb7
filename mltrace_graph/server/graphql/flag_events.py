"""The flag audit trail in the schema: ``FlagEvent`` and the resolvers of ``flagEvents``.

Unlike the other fields of ``Run`` and ``IOPointer``, which are copied from the one store
call a resolver made, ``flagEvents`` is read when asked for: one query per run or pointer
whose trail is selected (a run card asks for one; a list of runs rarely asks for it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from mltrace_graph.errors import NotFoundError
from mltrace_graph.server.graphql.context import Info
from mltrace_graph.service import flags
from mltrace_graph.store.flags import FlagEvent as FlagEventRecord


@strawberry.type(description="A change of an output's flag: when, to what, and by whom.")
class FlagEvent:
    at: datetime
    output: str
    flagged: bool
    by: str = strawberry.field(
        description="The API token's name; 'local' for the Python API and the CLI."
    )

    @classmethod
    def from_store(cls, event: FlagEventRecord) -> FlagEvent:
        return cls(at=event.at, output=event.output, flagged=event.flagged, by=event.by)


def run_flag_events(root: Any, info: Info) -> list[FlagEvent]:
    """The events of a run's outputs, newest first (none when the run has gone)."""
    try:
        found = flags.run_flag_history(info.context.db, root.id)
    except NotFoundError:
        return []
    return [FlagEvent.from_store(e) for e in found]


def pointer_flag_events(root: Any, info: Info) -> list[FlagEvent]:
    """The events of one output, newest first (none when the output has gone)."""
    try:
        found = flags.flag_history(info.context.db, root.name)
    except NotFoundError:
        return []
    return [FlagEvent.from_store(e) for e in found]
