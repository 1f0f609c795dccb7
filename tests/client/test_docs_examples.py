"""mltrace's documented examples (seeds 001/002, sections 3.3-3.4) with only the import changed.

The docs elide bodies with ``...``; those are filled in with small pandas code. Everything
else (class and argument names, mutable defaults, test classes passed as classes) is as
documented, and the test reads back from the graph what the docs say gets logged.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mltrace_graph import Component, ComponentRun, Test, get_git_hash, log_component_run
from mltrace_graph.store.connection import Database
from mltrace_graph.store.runs import get_runs
from tests.client.conftest import graph_runs

# --- 3.4.3 Testing: the OutliersTest ---------------------------------------------------------


class OutliersTest(Test):
    def __init__(self):
        super().__init__(name="outliers")

    def testComputeStats(self, df: pd.DataFrame):
        # Get numerical columns
        num_df = df.select_dtypes(include=["number"])

        # Compute stats
        stats = num_df.describe()
        print("Dataframe statistics:")
        print(stats)

    def testZScore(
        self,
        df: pd.DataFrame,
        stdev_cutoff: float = 5.0,
        threshold: float = 0.05,
    ):
        """
        Checks to make sure there are no outliers using z score cutoff.
        """
        # Get numerical columns
        num_df = df.select_dtypes(include=["number"])

        z_scores = (
            (num_df - num_df.mean(axis=0, skipna=True)) / num_df.std(axis=0, skipna=True)
        ).abs()

        if (z_scores > stdev_cutoff).to_numpy().sum() > threshold * len(df):
            print(f"Number of outliers: {(z_scores > stdev_cutoff).to_numpy().sum()}")
            print(f"Outlier threshold: {threshold * len(df)}")
            raise Exception("There are outlier values!")


# --- 3.3.1 Data model: the Featuregen component --------------------------------------------


class Featuregen(Component):
    def __init__(self, beforeTests=[], afterTests=[OutliersTest]):  # noqa: B006
        super().__init__(
            name="featuregen",
            owner="spark-gymnast",
            description="Generates features for high tip prediction problem",
            tags=["nyc-taxicab"],
            beforeTests=beforeTests,
            afterTests=afterTests,
        )


# --- 3.4.1 Component creation: the Cleaning component -------------------------------------


class Cleaning(Component):
    def __init__(self, name, owner, tags=[], beforeTests=[], afterTests=[]):  # noqa: B006
        super().__init__(
            name="cleaning_" + name,
            owner=owner,
            description="Basic component to clean raw data",
            tags=tags,
            beforeTests=beforeTests,
            afterTests=afterTests,
        )


def _trips(rows: int = 200, outliers: int = 0) -> pd.DataFrame:
    """Fares and tips; 7 outliers in 200 rows give 14 cells with z > 5, over the 10 allowed."""
    rng = np.random.default_rng(7)
    fare = rng.normal(12.0, 2.0, rows)
    fare[:outliers] = 10_000.0
    return pd.DataFrame({"fare": fare, "tip": fare * 0.15})


def test_featuregen_subclass_runs_outliers_test_after_the_function(db: Database) -> None:
    @Featuregen().run
    def generateFeatures(df: pd.DataFrame):
        # Generate features
        df = df.assign(tip_fraction=df["tip"] / df["fare"])
        return df

    features = generateFeatures(_trips())
    assert "tip_fraction" in features.columns
    [run] = get_runs(db, [1])
    assert (run.component_name, run.status) == ("featuregen", "success")
    assert run.test_results == [
        {"test": "outliers.testComputeStats", "passed": True, "error": None},
        {"test": "outliers.testZScore", "passed": True, "error": None},
    ]
    [component] = db.read(
        "MATCH (c:Component {name: 'featuregen'}) RETURN c.owner AS owner, "
        "c.description AS description, COLLECT { MATCH (c)-[:TAGGED]->(t) RETURN t.name } AS tags"
    )
    assert component == {
        "owner": "spark-gymnast",
        "description": "Generates features for high tip prediction problem",
        "tags": ["nyc-taxicab"],
    }


def test_outliers_in_after_test_raise_and_log_a_failed_run(db: Database) -> None:
    @Featuregen().run
    def generateFeatures(df: pd.DataFrame):
        df = df.copy()
        return df

    with pytest.raises(Exception, match="There are outlier values!"):
        generateFeatures(_trips(rows=200, outliers=7))
    [run] = get_runs(db, [1])
    assert run.status == "failed"
    assert [t["passed"] for t in run.test_results] == [True, False]
    assert run.test_results[1]["error"] == "Exception: There are outlier values!"


def test_cleaning_subclass_with_documented_decorator_and_auto_log(db: Database) -> None:
    c = Cleaning("taxi", "plumber", tags=["etl"])

    @c.run(auto_log=True)
    def clean_data(df: pd.DataFrame) -> str:
        # Do some cleaning
        clean_df = df.dropna()
        return clean_df

    raw = _trips()
    raw.loc[3, "tip"] = np.nan
    assert len(clean_data(raw)) == 199
    [run] = graph_runs(db)
    assert run["component"] == "cleaning_taxi"
    # clean_df and the returned frame have the same content, hence the same pointer
    assert len(run["inputs"]) == 1 and len(run["outputs"]) == 1
    pointers = db.read(
        "MATCH (p:IOPointer) RETURN p.value AS value, p.pointer_type AS type ORDER BY value"
    )
    assert pointers == [
        {"value": "clean_df: DataFrame", "type": "DATA"},
        {"value": "df: DataFrame", "type": "DATA"},
    ]


def test_before_tests_given_as_a_class_receive_the_function_arguments(db: Database) -> None:
    c = Component(
        name="cleaning",
        owner="plumber",
        description="Cleans raw NYC taxicab data",
        beforeTests=[OutliersTest],
    )

    @c.run(auto_log=True)
    def clean_data(df: pd.DataFrame) -> str:
        # Do some cleaning
        clean_df = df.dropna()
        return clean_df

    clean_data(_trips())
    with pytest.raises(Exception, match="There are outlier values!"):
        clean_data(_trips(outliers=7))
    runs = get_runs(db, [1, 2])
    assert [(r.status, [t["passed"] for t in r.test_results]) for r in runs] == [
        ("success", [True, True]),
        ("failed", [True, False]),
    ]
    # clean_df equals df (nothing to drop), so it is not a new output; the failed run
    # never ran the function but records the frame it refused
    assert [(len(r.inputs), len(r.outputs)) for r in runs] == [(1, 0), (1, 0)]


def test_python_approach_logs_the_documented_run(db: Database, tmp_path: Path) -> None:
    filename = str(tmp_path / "raw.csv")
    _trips().to_csv(filename, index=False)

    def clean_data(filename: str) -> str:
        # Create ComponentRun object
        cr = ComponentRun("cleaning")
        cr.set_start_timestamp()
        cr.add_input(filename)
        cr.git_hash = get_git_hash()  # Sets git hash, not source code snapshot!

        df = pd.read_csv(filename)
        # Do some cleaning
        df = df.dropna()
        # Save cleaned dataframe
        clean_version = filename[:-4] + f"_clean_{datetime.utcnow().strftime('%m%d%Y%H%M%S')}.csv"
        df.to_csv(clean_version)

        # Finish logging
        cr.set_end_timestamp()
        cr.add_output(clean_version)
        log_component_run(cr)

        return clean_version

    ingest = ComponentRun("ingest")
    ingest.set_start_timestamp()
    ingest.add_output(filename)
    ingest.set_end_timestamp()
    log_component_run(ingest)

    clean_version = clean_data(filename)
    assert [
        (r["component"], r["inputs"], r["outputs"], r["depends_on"]) for r in graph_runs(db)
    ] == [
        ("ingest", [], [filename], []),
        ("cleaning", [filename], [clean_version], [1]),
    ]
    assert get_runs(db, [2])[0].git_hash == get_git_hash()


def test_set_upstream_without_dependencies_from_inputs(db: Database) -> None:
    for name in ("ingest", "labels"):
        cr = ComponentRun(name)
        cr.set_start_timestamp()
        cr.add_output(f"{name}.csv")
        cr.set_end_timestamp()
        log_component_run(cr)
    cr = ComponentRun("cleaning")
    cr.set_start_timestamp()
    cr.add_input("ingest.csv")
    cr.set_upstream(["labels"])
    cr.set_end_timestamp()
    log_component_run(cr, set_dependencies_from_inputs=False)
    assert get_runs(db, [3])[0].dependencies == ["labels"]
