"""The built web app at ``/`` (any unknown non-API path gets its index, for deep links)."""

from __future__ import annotations

from flask import Blueprint, Response, send_from_directory

from mltrace_graph.server.state import state

blueprint = Blueprint("webapp", __name__)

API_PREFIXES = ("api/", "graphql", "healthz", "readyz", "metrics")

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mltrace-graph</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>mltrace-graph server</h1>
<p>The web app is not built into this installation (no <code>mltrace_graph/static/</code>).
Build it with <code>make run</code>, or use the API directly:</p>
<ul>
<li><a href="/graphql">/graphql</a> &mdash; GraphQL, with GraphiQL in the browser</li>
<li><code>POST /api/v1/lineage</code> &mdash; OpenLineage events</li>
<li><code>POST /api/v1/cypher</code> &mdash; read-only Cypher (token needed)</li>
<li><a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>,
<a href="/metrics">/metrics</a></li>
</ul></body></html>
"""


@blueprint.get("/", defaults={"path": ""})
@blueprint.get("/<path:path>")
def webapp(path: str) -> Response | tuple[str, int] | tuple[Response, int]:
    folder = state().config.static_dir
    index = folder / "index.html"
    if not index.is_file():
        if path:
            from mltrace_graph.server.app import error_response

            return error_response(f"nothing at /{path}", 404), 404
        return NOT_BUILT, 200
    if path and (folder / path).is_file():
        return send_from_directory(folder, path)
    if path.startswith(API_PREFIXES):
        from mltrace_graph.server.app import error_response

        return error_response(f"nothing at /{path}", 404), 404
    return send_from_directory(folder, "index.html")
