"""The schema with its protective extensions, and the SDL export checked into the repo."""

from __future__ import annotations

import logging
from pathlib import Path

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
    """The schema; with ``debug`` unexpected errors are shown instead of masked.

    Nothing is patched after it is built: the trace types' plain fields (a 2,000-node trace
    resolves about 24,000 of them) take strawberry's own fast path for fields without a
    resolver, permission or extension, which reads the attribute without building an
    ``Info``. Keep those types free of field extensions and permission classes so they stay
    on it.
    """
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
    return schema


def export_sdl() -> str:
    """The SDL text that ``graphql/schema.graphql`` must equal."""
    return build_schema().as_str() + "\n"


if __name__ == "__main__":  # python -m mltrace_graph.server.graphql.schema > graphql/schema.graphql
    print(export_sdl(), end="")
