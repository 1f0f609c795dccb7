"""``mltrace-graph token ...`` and the refusals of ``mltrace-graph serve``."""

from __future__ import annotations

import json

from click.testing import CliRunner

from mltrace_graph.cli import main
from mltrace_graph.store import tokens
from mltrace_graph.store.connection import Database


def test_token_create_prints_a_secret_that_the_graph_accepts(db: Database) -> None:
    result = CliRunner().invoke(main, ["token", "create", "--name", "ci"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert secret.startswith("mlt_")
    assert tokens.find_active_token(db, secret) is not None


def test_token_list_and_revoke(db: Database) -> None:
    tokens.create_token(db, "ci")
    runner = CliRunner()
    listed = json.loads(runner.invoke(main, ["token", "list", "--json"]).stdout)
    assert [(t["name"], t["revoked_at"]) for t in listed] == [("ci", None)]
    assert runner.invoke(main, ["token", "revoke", "ci"]).stdout == "revoked token 'ci'\n"
    listed = json.loads(runner.invoke(main, ["token", "list", "--json"]).stdout)
    assert listed[0]["revoked_at"] is not None


def test_token_revoke_of_an_unknown_name_fails_with_one_line(db: Database) -> None:
    result = CliRunner().invoke(main, ["token", "revoke", "nobody"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: no active token named 'nobody'; 'mltrace-graph token list' shows them\n"
    )


def test_a_second_active_token_with_the_same_name_is_refused(db: Database) -> None:
    CliRunner().invoke(main, ["token", "create", "--name", "ci"])
    result = CliRunner().invoke(main, ["token", "create", "--name", "ci"])
    assert result.exit_code == 1
    assert "an active token named 'ci' exists" in result.stderr


def test_serve_refuses_a_public_address_without_auth(db: Database) -> None:
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--no-auth"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: refusing to serve on 0.0.0.0 with auth disabled")
