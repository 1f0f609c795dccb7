"""A five-step pipeline logged once a day, for diffs between a day-1 and a day-2 output."""

from __future__ import annotations

from mltrace_graph.entities.component_run import ComponentRun
from tests.pipelines import make_run

DAY = 24 * 60  # minutes


def day_pipeline(
    day: int,
    *,
    window: int = 7,
    git: str = "a1b2c3d4e5",
    clean_git: str = "a1b2c3d4e5",
    auc: float = 0.9,
    extra_step: bool = False,
) -> list[ComponentRun]:
    """ingest -> clean -> featuregen -> train -> infer, logged on ``day`` (0 or 1)."""
    at = day * DAY
    features_in = "clean.csv"
    runs = [
        make_run("ingest", at, ["raw.csv"], ["ingested.csv"]),
        make_run("clean", at + 1, ["ingested.csv"], ["clean.csv"]),
    ]
    runs[1].git_hash = clean_git
    if extra_step:
        runs.append(make_run("augment", at + 2, ["clean.csv"], ["augmented.csv"]))
        features_in = "augmented.csv"
    featuregen = make_run("featuregen", at + 3, [features_in], ["features.csv"])
    featuregen.params = {"window": window, "lags": [1, 7]}
    featuregen.git_hash = git
    train = make_run("train", at + 4, ["features.csv"], ["model.pkl"])
    train.metrics = {"auc": auc}
    infer = make_run("infer", at + 5, ["model.pkl", "features.csv"], [f"pred-d{day + 1}"])
    return [*runs, featuregen, train, infer]
