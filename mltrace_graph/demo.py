"""A small taxi-tip pipeline logged through the decorator, so there is lineage to look at.

ingest -> clean -> featuregen -> train -> inference, on synthetic trips. Two older runs
of the whole pipeline are backfilled with explicit timestamps (45 and 40 days ago), then
the pipeline runs live twice: the first live inference still uses the 40-day-old model,
so it is logged as stale; then the model is retrained and inference runs again. Each
prediction gets its own ENDPOINT output id; a few predictions of the stale model are
flagged for review. Files go under ``$MLTRACE_HOME/demo/<token>``, and every pointer name
contains the token, so running the demo again adds history instead of clashing.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from mltrace_graph.client.api import create_random_ids, log_component_runs
from mltrace_graph.client.component import Component
from mltrace_graph.config import mltrace_home
from mltrace_graph.entities.component_run import ComponentRun
from mltrace_graph.entities.test import Test
from mltrace_graph.store import review
from mltrace_graph.store.connection import Database

FEATURES = ["trip_distance", "fare_amount", "passenger_count", "pickup_hour"]
TAGS = ["nyc-taxicab"]
SAMPLE = 12  # predictions per inference run


class NoMissingValuesTest(Test):
    """After-test of cleaning: the cleaned frame has no missing values."""

    def __init__(self) -> None:
        super().__init__(name="no_missing_values")

    def testNoNulls(self, df: pd.DataFrame) -> None:
        missing = int(df.isna().sum().sum())
        if missing:
            raise ValueError(f"{missing} missing values after cleaning")


def _trips(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    distance = rng.gamma(2.0, 1.5, rows)
    fare = 3.0 + 2.5 * distance + rng.normal(0, 1.0, rows)
    frame = pd.DataFrame(
        {
            "trip_distance": distance.round(2),
            "fare_amount": fare.round(2),
            "passenger_count": rng.integers(1, 5, rows),
            "pickup_hour": rng.integers(0, 24, rows),
        }
    )
    frame["tip_amount"] = (fare * rng.uniform(0.0, 0.3, rows)).round(2)
    frame.loc[rng.choice(rows, rows // 50, replace=False), "fare_amount"] = np.nan
    return frame


@dataclass
class DemoResult:
    token: str
    trace_id: str
    flagged: list[str]
    warnings: list[str]


class _Pipeline:
    """The pipeline's components and decorated steps, writing under one folder."""

    def __init__(self, folder: Path, token: str) -> None:
        self.folder = folder
        self.token = token
        owner = "demo"
        self.ingest_c = Component("ingest", owner, "Reads raw taxi trips", TAGS)
        self.clean_c = Component(
            "clean",
            owner,
            "Drops trips with missing fares",
            TAGS,
            afterTests=[NoMissingValuesTest],
        )
        self.features_c = Component("featuregen", owner, "Builds tip features", TAGS)
        self.train_c = Component("train", owner, "Fits a linear tip model", TAGS)
        self.infer_c = Component("inference", owner, "Predicts high tips", TAGS)

    def path(self, stem: str, step: int, suffix: str) -> str:
        return str(self.folder / f"{stem}_{self.token}_{step}{suffix}")

    def build(self) -> dict[str, Callable[..., Any]]:
        pipe = self

        @self.ingest_c.run(output_vars=["raw_path"])
        def ingest(step: int) -> str:
            raw_path = pipe.path("raw_data", step, ".csv")
            _trips(400, seed=step).to_csv(raw_path, index=False)
            return raw_path

        @self.clean_c.run(input_vars=["raw_path"], output_vars=["clean_path"])
        def clean(raw_path: str, step: int) -> str:
            df = pd.read_csv(raw_path).dropna()
            clean_path = pipe.path("clean_data", step, ".csv")
            df.to_csv(clean_path, index=False)
            return clean_path

        @self.features_c.run(input_vars=["clean_path"], output_vars=["features_path"])
        def featuregen(clean_path: str, step: int) -> str:
            df = pd.read_csv(clean_path)
            df["high_tip"] = (df["tip_amount"] > 0.2 * df["fare_amount"]).astype(int)
            features_path = pipe.path("features_data", step, ".csv")
            df[[*FEATURES, "high_tip"]].to_csv(features_path, index=False)
            return features_path

        @self.train_c.run(
            input_vars=["features_path"], output_vars=["model_path"], metrics=["accuracy"]
        )
        def train(features_path: str, step: int) -> str:
            df = pd.read_csv(features_path)
            model_path = pipe.path("model", step, ".joblib")
            accuracy = _fit(df, model_path)  # noqa: F841 (read by metrics=)
            return model_path

        @self.infer_c.run(
            input_vars=["features_path", "model_path"],
            output_kwargs={"prediction_ids": "high_tip"},
            endpoint=True,
        )
        def inference(features_path: str, model_path: str) -> list[str]:
            df = pd.read_csv(features_path).head(SAMPLE)
            weights = joblib.load(model_path)
            scores = np.c_[df[FEATURES].to_numpy(), np.ones(len(df))] @ weights
            high_tip = [bool(s > 0.5) for s in scores]  # noqa: F841 (output_kwargs)
            prediction_ids = create_random_ids(len(df))
            return prediction_ids

        return {
            "ingest": ingest,
            "clean": clean,
            "featuregen": featuregen,
            "train": train,
            "inference": inference,
        }


def _fit(df: pd.DataFrame, model_path: str) -> float:
    x = np.c_[df[FEATURES].to_numpy(dtype=float), np.ones(len(df))]
    y = df["high_tip"].to_numpy(dtype=float)
    weights, *_ = np.linalg.lstsq(x, y, rcond=None)
    joblib.dump(weights, model_path)
    return float(((x @ weights > 0.5) == (y > 0.5)).mean())


def _backfill(pipe: _Pipeline, now: datetime) -> str:
    """Two old pipeline runs logged in one batch (the "Python approach"); returns the model."""
    runs: list[ComponentRun] = []
    model_path = ""
    for step, days_ago in ((-2, 45), (-1, 40)):
        start = now - timedelta(days=days_ago)
        names = {
            "raw": pipe.path("raw_data", step, ".csv"),
            "clean": pipe.path("clean_data", step, ".csv"),
            "features": pipe.path("features_data", step, ".csv"),
            "model": pipe.path("model", step, ".joblib"),
        }
        frame = _trips(400, seed=100 + step).dropna()
        frame["high_tip"] = (frame["tip_amount"] > 0.2 * frame["fare_amount"]).astype(int)
        accuracy = _fit(frame, names["model"])
        model_path = names["model"]
        chain = [
            ("ingest", [], [names["raw"]]),
            ("clean", [names["raw"]], [names["clean"]]),
            ("featuregen", [names["clean"]], [names["features"]]),
            ("train", [names["features"]], [names["model"]]),
        ]
        for minute, (name, inputs, outputs) in enumerate(chain):
            run = ComponentRun(
                name,
                start_timestamp=start + timedelta(minutes=minute),
                end_timestamp=start + timedelta(minutes=minute, seconds=30),
                inputs=inputs,
                outputs=outputs,
                notes="backfilled by the demo",
            )
            if name == "train":
                run.log_metric("accuracy", accuracy)
            runs.append(run)
    log_component_runs(runs)
    return model_path


def run_demo(echo: Callable[[str], None] = print) -> DemoResult:
    """Logs the demo pipeline and returns what it made; quick (a few seconds) and re-runnable."""
    token = uuid.uuid4().hex[:6]
    folder = mltrace_home() / "demo" / token
    folder.mkdir(parents=True, exist_ok=True)
    pipe = _Pipeline(folder, token)
    steps = pipe.build()
    now = datetime.now(UTC)
    seen: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old_model = _backfill(pipe, now)
        echo(f"Backfilled 2 pipeline runs from 45 and 40 days ago (demo {token}).")
        predictions: list[list[str]] = []
        for step in (1, 2):
            raw = steps["ingest"](step)
            cleaned = steps["clean"](raw, step)
            features = steps["featuregen"](cleaned, step)
            if step == 1:
                predictions.append(steps["inference"](features, old_model))
            model = steps["train"](features, step)
            predictions.append(steps["inference"](features, model))
            echo(f"Ran the pipeline live (iteration {step}).")
    for warning in caught:
        message = str(warning.message)
        seen.append(message)
        echo(f"warning: {message}")
    flagged = predictions[0][:3]
    review.flag_outputs(Database(), flagged)
    echo(f"Flagged {len(flagged)} predictions of the stale model for review.")
    return DemoResult(token, predictions[0][0], flagged, seen)
