"""Deterministic, seeded pipelines for the benchmarks, built as ``ComponentRun`` objects.

Every workload is a list of runs in logging order with explicit timestamps, so the same
seed gives the same graph, and loading it goes through the public batch API like a backfill.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.io_pointer import IOPointer, PointerType

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
PIPELINE = ("ingest", "clean", "featuregen", "train", "inference")


def _run(
    name: str, start: datetime, inputs: list[str], outputs: list[str], seconds: float = 1.0
) -> ComponentRun:
    run = ComponentRun(
        name, start_timestamp=start, end_timestamp=start + timedelta(seconds=seconds)
    )
    run.add_inputs(inputs)
    run.add_outputs(outputs)
    return run


def chain(depth: int, prefix: str = "chain") -> list[ComponentRun]:
    """``depth`` runs where each consumes the previous one's output; trace the last output."""
    runs = []
    for i in range(depth):
        inputs = [f"{prefix}-out-{i - 1}"] if i else [f"{prefix}-source"]
        runs.append(
            _run(
                f"{prefix}-step-{i % 50}",
                EPOCH + timedelta(minutes=i),
                inputs,
                [f"{prefix}-out-{i}"],
            )
        )
    return runs


def diamond(layers: int, width: int, prefix: str = "diamond") -> list[ComponentRun]:
    """``layers`` layers of ``width`` runs, each consuming every output of the layer before.

    There are ``width ** layers`` paths from the last output to the first layer, but only
    ``layers * width`` runs: a trace that enumerates paths explodes here, one that visits
    each run once does not.
    """
    runs = []
    minute = 0
    for layer in range(layers):
        for k in range(width):
            inputs = (
                [f"{prefix}-{layer - 1}-{j}" for j in range(width)]
                if layer
                else [f"{prefix}-source"]
            )
            runs.append(
                _run(
                    f"{prefix}-layer-{layer}",
                    EPOCH + timedelta(minutes=minute),
                    inputs,
                    [f"{prefix}-{layer}-{k}"],
                )
            )
            minute += 1
    final = _run(
        f"{prefix}-sink",
        EPOCH + timedelta(minutes=minute),
        [f"{prefix}-{layers - 1}-{j}" for j in range(width)],
        [f"{prefix}-final"],
    )
    runs.append(final)
    return runs


@dataclass
class Production:
    """A production-like history: the five-stage pipeline re-run every cycle.

    Each cycle ingests a new raw file; every ``retrain_every`` cycles the model is retrained,
    otherwise inference reuses the last model (so staleness has something to find). Each
    inference run writes ``predictions`` ENDPOINT outputs, and a seeded fraction of them is
    flagged afterwards.
    """

    cycles: int
    predictions: int = 20
    retrain_every: int = 7
    flagged_fraction: float = 0.05
    seed: int = 7
    flagged: list[str] = field(default_factory=list)

    @property
    def runs_total(self) -> int:
        return self.cycles * len(PIPELINE)

    def batches(self, size: int = 1000) -> Iterator[list[ComponentRun]]:
        """Runs in logging order, ``size`` at a time; fills ``flagged`` as it goes."""
        rng = random.Random(self.seed)
        model = "model-0.joblib"
        batch: list[ComponentRun] = []
        for cycle in range(self.cycles):
            start = EPOCH + timedelta(hours=cycle)
            raw, clean, feats = (
                f"raw-{cycle}.csv",
                f"clean-{cycle}.csv",
                f"features-{cycle}.parquet",
            )
            batch.append(_run("ingest", start, [], [raw]))
            batch.append(_run("clean", start + timedelta(minutes=5), [raw], [clean]))
            batch.append(_run("featuregen", start + timedelta(minutes=10), [clean], [feats]))
            if cycle % self.retrain_every == 0:
                model = f"model-{cycle}.joblib"
                batch.append(_run("train", start + timedelta(minutes=15), [feats], [model]))
            else:
                batch.append(
                    _run(
                        "train-eval",
                        start + timedelta(minutes=15),
                        [feats, model],
                        [f"eval-{cycle}.json"],
                    )
                )
            inference = _run("inference", start + timedelta(minutes=20), [feats, model], [])
            for p in range(self.predictions):
                name = f"pred-{cycle}-{p}"
                inference.add_output(IOPointer(name, pointer_type=PointerType.ENDPOINT))
                if rng.random() < self.flagged_fraction:
                    self.flagged.append(name)
            batch.append(inference)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def output_at_depth(self, cycle: int) -> str:
        """A prediction of ``cycle``; its backtrace has 4 levels (inference .. ingest)."""
        return f"pred-{cycle}-0"
