"""``mltrace-graph token create|list|revoke``: API tokens for the server."""

from __future__ import annotations

import json

import click

from mltrace_graph.cli import friendly_errors, main
from mltrace_graph.store import tokens
from mltrace_graph.store.connection import Database


@main.group("token")
def token_group() -> None:
    """API tokens: writers (pipelines, OpenLineage, the Cypher page) send one as a Bearer token.

    Only a hash of each token is stored; the secret is shown once, when created.
    """


@token_group.command("create")
@click.option("--name", required=True, help="What the token is for (ci, airflow, alice).")
@friendly_errors
def token_create(name: str) -> None:
    """Create a token and print its secret (shown only this once).

    \b
    Example:
      mltrace-graph token create --name ci
    """
    token, secret = tokens.create_token(Database(), name)
    click.echo(secret)
    click.echo(
        f"created token {token.name!r}; store the secret above now, it is not shown again. "
        f"Send it as 'Authorization: Bearer <secret>' or set MLTRACE_SERVER_TOKEN.",
        err=True,
    )


@token_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@friendly_errors
def token_list(as_json: bool) -> None:
    """List tokens (name, prefix, created, revoked); secrets are never shown.

    \b
    Example:
      mltrace-graph token list
    """
    found = tokens.list_tokens(Database())
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "name": t.name,
                        "prefix": t.prefix,
                        "created_at": t.created_at.isoformat(),
                        "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                    }
                    for t in found
                ],
                indent=2,
            )
        )
        return
    if not found:
        click.echo("No tokens. Create one with 'mltrace-graph token create --name NAME'.")
    for t in found:
        revoked = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        click.echo(f"{t.name:<24} {t.prefix}…  created {t.created_at:%Y-%m-%d %H:%M}  {revoked}")


@token_group.command("revoke")
@click.argument("name")
@friendly_errors
def token_revoke(name: str) -> None:
    """Revoke the active token NAME; requests using it are refused from now on.

    \b
    Example:
      mltrace-graph token revoke ci
    """
    tokens.revoke_token(Database(), name)
    click.echo(f"revoked token {name!r}")
