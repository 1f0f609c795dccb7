"""``mltrace-graph serve``: apply pending migrations, then serve the API and the web app."""

from __future__ import annotations

import click

from mltrace_graph.cli import friendly_errors, main
from mltrace_graph.server import ServerConfig, create_app
from mltrace_graph.store import migrations
from mltrace_graph.store.connection import Database


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, envvar="MLTRACE_SERVER_HOST")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    envvar="MLTRACE_SERVER_PORT",
)
@click.option(
    "--auth/--no-auth",
    default=None,
    help="Require API tokens for writes and ad hoc Cypher (default: on; MLTRACE_SERVER_AUTH).",
)
@click.option(
    "--read-auth/--no-read-auth",
    default=None,
    help="Require tokens for reads too (default: only when HOST is not loopback).",
)
@click.option(
    "--force-insecure",
    is_flag=True,
    help="Allow --no-auth on a non-loopback HOST (anyone who can reach it can write).",
)
@click.option("--debug", is_flag=True, help="Show unexpected GraphQL errors unmasked.")
@friendly_errors
def serve(
    host: str,
    port: int,
    auth: bool | None,
    read_auth: bool | None,
    force_insecure: bool,
    debug: bool,
) -> None:
    """Serve GraphQL, OpenLineage ingestion, read-only Cypher and the web app.

    This is a single-process server for a workstation or a small team; for production run
    it under gunicorn (see docs/server.md).

    \b
    Example:
      mltrace-graph token create --name ci      # for writers
      mltrace-graph serve --port 8080
    """
    chosen = {
        "auth": auth,
        "read_auth": read_auth,
        "debug": debug or None,
        "force_insecure": force_insecure or None,
    }
    config = ServerConfig.from_env(
        host=host,
        port=port,
        **{key: value for key, value in chosen.items() if value is not None},
    ).check()
    for migration in migrations.upgrade(Database()):
        click.echo(f"applied V{migration.version:04d} {migration.name}")
    app = create_app(config=config)
    from werkzeug.serving import run_simple

    shown = f"[{host}]" if ":" in host else host
    click.echo(f"mltrace-graph server at http://{shown}:{port}/ (GraphQL at /graphql)")
    run_simple(host, port, app, threaded=True, use_reloader=False)
