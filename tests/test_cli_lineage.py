"""The read-side CLI commands through click's runner: output, --json, errors and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result
from pipelines import diamond, log, make_run

from mltrace_graph.cli import main
from mltrace_graph.store import review
from mltrace_graph.store.connection import Database

COMMANDS = [
    "recent",
    "history",
    "inspect",
    "trace",
    "impact",
    "flag",
    "unflag",
    "review",
    "flag-history",
    "components",
    "tags",
    "search",
    "clear",
]


def cli(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture
def pipeline(db: Database) -> Database:
    """The diamond a(1) -> b(2), c(3) -> d(4), then e(5) after d, with params and code."""
    diamond(db)
    e = make_run("e", 60 * 24 * 40, ["d.out"], ["e.out"], seconds=200)
    e.params = {"k": 3}
    e.metrics = {"acc": 0.9}
    e.notes = "second try"
    e.code_snapshot = "def e():\n    return 1"
    e.git_hash = "abc1234"
    e.git_tags = ["v1"]
    log(db, e)
    db.write(
        "MATCH (c:Component {name: 'e'}) SET c.owner = 'ana' "
        "MERGE (t:Tag {name: 'nightly'}) MERGE (c)-[:TAGGED]->(t)"
    )
    return db


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"mltrace-graph {command}" in result.output


def test_trace_prints_each_run_once_with_levels_and_sources(pipeline: Database) -> None:
    result = cli("trace", "d.out")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "d.out",
        "└─ [0] run 4 d  2026-01-01 00:03:00 UTC  5.0 s",
        "   ├─ [1] run 2 b  2026-01-01 00:01:00 UTC  5.0 s  via b.out",
        "   │  └─ [2] run 1 a  2026-01-01 00:00:00 UTC  5.0 s  via a.out",
        "   │     └─ src (raw input)",
        "   └─ [1] run 3 c  2026-01-01 00:02:00 UTC  5.0 s  via c.out",
        "      └─ [2] run 1 a  2026-01-01 00:00:00 UTC  5.0 s  via a.out  (shown above)",
    ]


def test_trace_shows_stale_warnings_inline(pipeline: Database) -> None:
    result = cli("trace", "e.out")
    assert result.exit_code == 0, result.output
    assert "   ! stale: d (ID 4) was run 39 days ago." in result.output


def test_trace_json_is_the_flat_graph(pipeline: Database) -> None:
    data = json.loads(cli("trace", "d.out", "--json").output)
    assert data["root"] == "io:d.out"
    assert data["truncated"] is False
    assert [n["id"] for n in data["nodes"] if n["kind"] == "run"] == [
        "run:4",
        "run:3",
        "run:2",
        "run:1",
    ]
    assert {"source": "run:4", "target": "run:3", "type": "DEPENDS_ON"} in data["edges"]


def test_trace_of_an_unknown_output_is_one_line_and_exit_1(pipeline: Database) -> None:
    result = cli("trace", "nope.csv")
    assert result.exit_code == 1
    assert result.output == "error: no output named nope.csv\n"


def test_impact_of_a_run_lists_downstream_runs_by_level(pipeline: Database) -> None:
    result = cli("impact", "2")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Impact of run 2: 3 run(s), 3 output(s)",
        "  [0] run 2 b -> b.out",
        "  [1] run 4 d -> d.out",
        "  [2] run 5 e -> e.out",
    ]


def test_impact_flag_flags_the_downstream_outputs(pipeline: Database) -> None:
    result = cli("impact", "--output", "c.out", "--flag")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "flagged 3 output(s): c.out, d.out, e.out"
    assert review.review(pipeline).flagged == ["c.out", "d.out", "e.out"]
    data = json.loads(cli("impact", "4", "--json").output)
    assert [n["id"] for n in data["nodes"]] == ["run:4", "run:5", "io:d.out", "io:e.out"]


def test_impact_of_unknown_targets_is_an_error(pipeline: Database) -> None:
    assert cli("impact", "999").output == "error: no run 999\n"
    assert cli("impact", "nope").output == "error: no output named nope\n"
    assert cli("impact", "999").exit_code == 1


def test_flag_review_and_unflag_round_trip(pipeline: Database) -> None:
    assert cli("flag", "b.out", "d.out").output == "flagged b.out, d.out\n"
    result = cli("review")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Flagged outputs (2): b.out, d.out"
    assert lines[1] == "Runs ranked by coverage:"
    assert lines[3].split() == ["1", "2", "b", "100.0%", "2", "1", "0.816"]
    assert [line.split()[1] for line in lines[3:]] == ["2", "1", "4", "3"]
    data = json.loads(cli("review", "--rank", "ochiai", "--limit", "2", "--json").output)
    assert data["rank"] == "ochiai"
    assert [(r["run_id"], r["ef"], r["ep"]) for r in data["runs"]] == [(2, 2, 1), (1, 2, 3)]
    assert cli("unflag", "b.out").output == "unflagged b.out\n"
    assert cli("unflag", "--all").output == "unflagged 1 output(s)\n"
    assert cli("review").output.splitlines() == [
        "Flagged outputs (0): -",
        "No run is behind the flagged outputs.",
    ]


def test_flag_errors(pipeline: Database) -> None:
    result = cli("flag", "b.out", "nope")
    assert (result.exit_code, result.output) == (1, "error: no output named nope\n")
    assert review.review(pipeline).flagged == []
    assert cli("flag").exit_code == 2
    assert cli("unflag").exit_code == 2
    assert cli("unflag", "b.out", "--all").exit_code == 2
    assert cli("review", "--rank", "blame").exit_code == 2


def test_recent_pages_with_after(pipeline: Database) -> None:
    result = cli("recent", "--limit", "2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "COMPONENT", "STARTED", "DURATION"]
    assert [line.split()[0] for line in lines[1:]] == ["5", "4"]
    assert "3 min 20 s" in lines[1]
    assert "[stale]" in lines[1]
    page = json.loads(cli("recent", "--limit", "2", "--after", "4", "--json").output)
    assert [run["id"] for run in page] == [3, 2]
    assert cli("recent", "--after", "99").output == "error: no run 99\n"
    assert cli("recent", "--limit", "0").exit_code == 2


def test_history_limits_and_windows(pipeline: Database) -> None:
    log(pipeline, make_run("a", 10, ["src"], ["a.out"]), make_run("a", 20, ["src"], ["a.out"]))
    assert [line.split()[0] for line in cli("history", "a").output.splitlines()[1:]] == [
        "7",
        "6",
        "1",
    ]
    assert [line.split()[0] for line in cli("history", "a", "2").output.splitlines()[1:]] == [
        "7",
        "6",
    ]
    window = json.loads(
        cli(
            "history",
            "a",
            "--since",
            "2026-01-01 00:05:00",
            "--until",
            "2026-01-01 00:15:00",
            "--json",
        ).output
    )
    assert [run["id"] for run in window] == [6]
    assert cli("history", "nope").output == "error: no component named nope\n"
    assert cli("history", "a", "--since", "yesterday").exit_code == 2


def test_inspect_shows_the_run_card(pipeline: Database) -> None:
    result = cli("inspect", "5", "--code")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Run 5 · e (owner: ana) · success",
        "  started   2026-02-10 00:00:00 UTC",
        "  ended     2026-02-10 00:03:20 UTC",
        "  duration  3 min 20 s",
        "  git       abc1234  tags: v1",
        "  inputs    d.out",
        "  outputs   e.out",
        "  depends   4 (d)",
        "  stale     ! d (ID 4) was run 39 days ago.",
        "  params    k=3",
        "  metrics   acc=0.9",
        "  notes     second try",
        "  code:",
        "    def e():",
        "        return 1",
    ]
    data = json.loads(cli("inspect", "5", "--json").output)
    assert (data["id"], data["owner"], data["duration_seconds"]) == (5, "ana", 200.0)


def test_inspect_errors(pipeline: Database) -> None:
    result = cli("inspect", "999")
    assert (result.exit_code, result.output) == (1, "error: no run 999\n")
    assert cli("inspect", "abc").exit_code == 2


def test_components_and_tags(pipeline: Database) -> None:
    result = cli("components", "--tag", "nightly")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].split()[:3] == ["e", "ana", "1"]
    assert len(result.output.splitlines()) == 2
    names = [c["name"] for c in json.loads(cli("components", "--json").output)]
    assert names == ["a", "b", "c", "d", "e"]
    assert cli("components", "--owner", "nobody").output == "No components match.\n"
    assert cli("tags").output == "nightly\n"
    assert json.loads(cli("tags", "--json").output) == ["nightly"]


def test_search_filters_and_reports_bad_filters_as_usage_errors(pipeline: Database) -> None:
    data = json.loads(cli("search", "--filter", "metrics.acc > 0.5", "--json").output)
    assert [(row["run_id"], row["params.k"]) for row in data] == [(5, 3)]
    result = cli("search", "--component", "a")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].split()[:2] == ["1", "a"]
    assert cli("search", "--owner", "nobody").output == "No runs match.\n"
    bad = cli("search", "--filter", "acc > 1")
    assert bad.exit_code == 2
    assert "cannot read the filter 'acc > 1'" in bad.output


def test_clear_asks_first_and_yes_skips_the_question(pipeline: Database) -> None:
    refused = cli("clear", input="n\n")
    assert refused.exit_code == 1
    assert cli("inspect", "1").exit_code == 0
    done = cli("clear", input="y\n")
    assert done.exit_code == 0
    assert done.output.endswith("deleted 18 node(s)\n")
    assert cli("recent").output == "No runs yet.\n"
    assert cli("clear", "--yes").output == "deleted 0 node(s)\n"


def test_trace_says_when_max_depth_cut_it_short(pipeline: Database) -> None:
    result = cli("trace", "e.out", "--max-depth", "1")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line for line in lines if "run " in line][-1].strip().startswith("└─ [1] run 4 d")
    assert "      ├─ b.out (not traced further)" in lines
    assert lines[-1] == "… truncated: raise --max-depth to see further upstream"
    assert cli("trace", "e.out", "--max-depth", "-1").exit_code == 2
