"""The review's plain objects: the evidence the store reads, and the ranked answer.

Two halves, one per layer boundary:

* ``Evidence`` / ``RunEvidence``: what ``store.evidence`` reads in one round trip (the
  flagged outputs, the observed outputs, and for every candidate run the flagged outputs
  that depend on it and how many observed unflagged ones do). No scores here.
* ``Culprit`` / ``SuspectGroup`` / ``Cause`` / ``Review``: what the service ranks out of
  the evidence (``service.ranking``) and every interface (Python API, CLI, GraphQL, web
  app) shows.

"Output o depends on run r" means r is in ``backtrace(o)`` as of the review's moment.
Which outputs count as evidence is the *observed rule* (``OBSERVED_RULES``, see
docs/ranking.md): flagged outputs always; outputs marked good always; and with ``kind``
(the default) every output of the same kind as a flagged one; with ``all`` every output
(the behaviour before observed outputs existed).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime

from mltrace_graph.entities.component_run import ComponentRun

RANKS = ("likelihood", "ochiai", "coverage")
OBSERVED_RULES = ("kind", "checked", "all")
TEST_VERDICTS = ("failed", "warned", "passed", "none")


@dataclass(frozen=True)
class RunEvidence:
    """One candidate run (an ancestor-or-self of a flagged output's producer).

    ``flagged``: names of the flagged outputs that depend on it (``ef`` is its size).
    ``unflagged``: how many observed, unflagged outputs depend on it (``ep``).
    ``unflagged_key``: equal for two runs exactly when their sets of observed unflagged
    outputs are equal (the store chooses the representation); with equal ``flagged`` it
    makes the runs indistinguishable by the flags.
    ``stale``: the run is stale (see ``store.evidence`` for which reasons count).
    """

    run: ComponentRun
    flagged: frozenset[str]
    unflagged: int
    unflagged_key: Hashable
    stale: bool = False

    @property
    def ef(self) -> int:
        return len(self.flagged)

    @property
    def ep(self) -> int:
        return self.unflagged


@dataclass(frozen=True)
class Evidence:
    """Everything the ranking needs, read in one round trip.

    ``flagged``: the flagged outputs (sorted names). ``observed``: how many observed
    outputs (flagged ones included) depend on at least one candidate: the scope in which
    rates are estimated. ``note``: why it is empty when nothing was logged by ``as_of``.
    """

    flagged: tuple[str, ...]
    observed: int
    runs: tuple[RunEvidence, ...]
    rule: str = "kind"
    as_of: datetime | None = None
    note: str | None = None


@dataclass(frozen=True)
class Culprit:
    """One run behind flagged outputs and the numbers that rank it.

    ``likelihood`` is its group's log-likelihood ratio plus the run's own prior (tests,
    staleness); ``score`` is the number the chosen rank sorts on.
    """

    run: ComponentRun
    ef: int
    ep: int
    coverage: float
    ochiai: float
    likelihood: float
    score: float
    tests: str = "none"
    stale: bool = False


@dataclass(frozen=True)
class SuspectGroup:
    """Runs with identical evidence (same flagged and same observed unflagged outputs).

    No lineage evidence can tell them apart, so they are ranked together. ``runs`` are
    ordered by their own prior (failed tests, staleness), then newest first.
    ``flag_rate`` is the share of the group's observed outputs that are flagged;
    ``background_rate`` the share of every other observed output that is flagged.
    ``evidence``: one sentence, e.g. "explains 12 of 14 flags; 30% of its observed
    outputs flagged, 2% elsewhere". ``note`` (groups of several runs): "these 3 runs cannot
    be told apart by the flags: inspect them together".
    """

    position: int
    runs: tuple[Culprit, ...]
    ef: int
    ep: int
    coverage: float
    ochiai: float
    likelihood: float
    score: float
    flag_rate: float
    background_rate: float
    evidence: str
    note: str | None = None

    @property
    def size(self) -> int:
        return len(self.runs)


@dataclass(frozen=True)
class Cause:
    """One explanation of part of the flags: the best group for the flags still unexplained.

    ``explained``: the flagged outputs this cause's best group explains (sorted names).
    ``groups``: the groups ranked for the flags that were unexplained at this step.
    """

    position: int
    explained: tuple[str, ...]
    groups: tuple[SuspectGroup, ...]
    evidence: str


@dataclass(frozen=True)
class Review:
    """The flagged outputs and the ranked runs behind them.

    ``culprits``: every suspect in rank order (groups flattened), as the review has always
    answered. ``groups``: the same runs grouped. ``causes``: filled when asked for (else
    empty); ``unexplained``: the flags no cause explains (noise by the model).
    """

    flagged: list[str] = field(default_factory=list)
    culprits: list[Culprit] = field(default_factory=list)
    groups: list[SuspectGroup] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)
    rank: str = "likelihood"
    rule: str = "kind"
    observed: int = 0
    background_rate: float = 0.0
    as_of: datetime | None = None
    note: str | None = None
