"""The schema with its protective extensions, and the SDL export checked into the repo."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import strawberry
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from graphql import GraphQLError
from mltrace_graph.errors import MltraceGraphError
from mltrace_graph.server.graphql.mutations import Mutation
from mltrace_graph.server.graphql.queries import Query

MAX_DEPTH = 8  # the deepest real query (trace > nodes > run > inputs > name) is 5
MAX_ALIASES = 20
MAX_TOKENS = 5000
SDL_PATH = Path(__file__).resolve().parents[3] / "graphql" / "schema.graphql"

log = logging.getLogger(__name__)


def _shown(error: GraphQLError) -> bool:
    """Validation errors and our expected errors are shown; anything else is masked."""
    original = error.original_error
    if original is None or isinstance(original, MltraceGraphError | GraphQLError):
        return True
    log.error("GraphQL resolver failed at %s", error.path, exc_info=original)
    return False


def build_schema(*, debug: bool = False) -> strawberry.Schema:
    """The schema; with ``debug`` unexpected errors are shown instead of masked."""
    extensions: list[type[SchemaExtension] | object] = [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
    ]
    if not debug:
        extensions.append(lambda: MaskErrors(should_mask_error=lambda e: not _shown(e)))
    schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions)  # type: ignore[arg-type]
    _read_attributes_directly(schema, BULK_TYPES)
    return schema


# The types a trace returns by the thousand: a 2,000-node trace resolves about 24,000 of
# their fields, and strawberry's per-field wrapper was a quarter of the request's time.
BULK_TYPES = ("TraceNode", "TraceRun", "TraceEdge", "IOPointer")


def _attribute(name: str) -> Callable[..., Any]:
    def resolve(source: object, _info: object) -> Any:
        return getattr(source, name)

    return resolve


def _read_attributes_directly(schema: strawberry.Schema, type_names: tuple[str, ...]) -> None:
    """Plain data fields of these types read their attribute without strawberry's wrapper.

    Only fields with no resolver, permission class or field extension are changed, so
    nothing the wrapper would do for them is skipped; output values are still converted by
    their GraphQL types (enums, datetimes) as before.
    """
    for type_name in type_names:
        definition = schema.get_type_by_name(type_name)
        core_type = schema._schema.type_map[type_name]
        for field in getattr(definition, "fields", ()):
            if field.base_resolver or field.permission_classes or field.extensions:
                continue
            graphql_name = schema.config.name_converter.get_graphql_name(field)
            core_type.fields[graphql_name].resolve = _attribute(field.python_name)  # type: ignore[attr-defined]


def export_sdl() -> str:
    """The SDL text that ``graphql/schema.graphql`` must equal."""
    return build_schema().as_str() + "\n"


if __name__ == "__main__":  # python -m mltrace_graph.server.graphql.schema > graphql/schema.graphql
    print(export_sdl(), end="")
