"""Configuration precedence: process values > MLTRACE_ env > plain env > local state > default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mltrace_graph import config
from mltrace_graph.client.session import default_client, get_db_uri, set_address, set_db_uri
from mltrace_graph.errors import ConfigurationError

ENV_KEYS = ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
        monkeypatch.delenv(f"MLTRACE_{key}", raising=False)
    monkeypatch.setenv("MLTRACE_HOME", str(tmp_path))
    default_client().reset()
    yield tmp_path
    default_client().reset()


def test_default_is_local_bolt_without_password(clean_env: Path) -> None:
    settings = config.load_settings()
    assert settings.uri == "bolt://127.0.0.1:7687"
    assert settings.user == "neo4j"
    assert settings.password is None
    assert settings.auth is None


def test_local_launcher_state_and_password_are_used_when_nothing_is_set(clean_env: Path) -> None:
    (clean_env / config.STATE_FILE).write_text(json.dumps({"uri": "bolt://127.0.0.1:17999"}))
    (clean_env / config.PASSWORD_FILE).write_text("generated-secret\n")
    settings = config.load_settings()
    assert settings.uri == "bolt://127.0.0.1:17999"
    assert settings.auth == ("neo4j", "generated-secret")


def test_plain_env_beats_local_state(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (clean_env / config.STATE_FILE).write_text(json.dumps({"uri": "bolt://127.0.0.1:17999"}))
    monkeypatch.setenv("NEO4J_URI", "neo4j://cluster.example:7687")
    monkeypatch.setenv("NEO4J_PASSWORD", "from-env")
    monkeypatch.setenv("NEO4J_DATABASE", "lineage")
    settings = config.load_settings()
    assert settings.uri == "neo4j://cluster.example:7687"
    assert settings.password == "from-env"
    assert settings.database == "lineage"


def test_prefixed_env_beats_plain_env(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://plain:7687")
    monkeypatch.setenv("MLTRACE_NEO4J_URI", "neo4j+s://prefixed.example")
    monkeypatch.setenv("NEO4J_USER", "plain-user")
    monkeypatch.setenv("MLTRACE_NEO4J_USER", "prefixed-user")
    settings = config.load_settings()
    assert settings.uri == "neo4j+s://prefixed.example"
    assert settings.user == "prefixed-user"


def test_set_db_uri_beats_environment(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLTRACE_NEO4J_URI", "bolt://env:7687")
    set_db_uri("neo4j://routing.example:7688")
    assert get_db_uri() == "neo4j://routing.example:7688"


def test_set_address_replaces_only_the_host(clean_env: Path) -> None:
    set_db_uri("neo4j://old-host:7690")
    set_address("10.1.2.3")
    assert get_db_uri() == "neo4j://10.1.2.3:7690"


def test_set_address_rejects_a_full_uri(clean_env: Path) -> None:
    with pytest.raises(ConfigurationError, match="set_db_uri"):
        set_address("bolt://host:7687")


@pytest.mark.parametrize("uri", ["postgresql://x:5432/db", "localhost:7687", "bolt://", ""])
def test_invalid_uri_is_refused_with_the_schemes_we_accept(clean_env: Path, uri: str) -> None:
    with pytest.raises(ConfigurationError, match="neo4j\\+s"):
        set_db_uri(uri)
