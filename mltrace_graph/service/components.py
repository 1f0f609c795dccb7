"""Components and tags: one component, a filtered list, every tag, tagging a component."""

from __future__ import annotations

from collections.abc import Sequence

from mltrace_graph.errors import InvalidInputError
from mltrace_graph.service import arguments
from mltrace_graph.store import components as component_store
from mltrace_graph.store import history
from mltrace_graph.store.connection import Database
from mltrace_graph.store.history import ComponentInfo

__all__ = ["ComponentInfo", "component", "components", "tag_component", "tags"]

MAX_TAG = 200


def component(db: Database, name: str) -> ComponentInfo:
    """A component's owner, description, tags and run count.

    Raises:
        NotFoundError: no component has this name.
    """
    return history.component(db, arguments.name(name, "component_name"))


def components(
    db: Database, tag: str | None = None, owner: str | None = None
) -> list[ComponentInfo]:
    """Components with the tag and/or owner given (empty or None: any), sorted by name."""
    return history.components(db, tag=tag or None, owner=owner or None)


def tags(db: Database) -> list[str]:
    """Every tag name, sorted."""
    return history.tags(db)


def tag_component(db: Database, name: str, new_tags: Sequence[str]) -> ComponentInfo:
    """Adds tags to an existing component (its other tags stay); returns the component.

    Raises:
        InvalidInputError: no tags, or a tag is empty or longer than ``MAX_TAG``.
        NotFoundError: no component has this name.
    """
    if isinstance(new_tags, str) or not isinstance(new_tags, Sequence):
        raise InvalidInputError("tags must be a list of names", "tags")
    cleaned = [t.strip() if isinstance(t, str) else t for t in new_tags]
    if not cleaned or any(not isinstance(t, str) or not t or len(t) > MAX_TAG for t in cleaned):
        raise InvalidInputError(
            f"tags must be 1 to {MAX_TAG} characters each, and at least one", "tags"
        )
    component_name = arguments.name(name, "name")
    component_store.tag_component(db, component_name, cleaned)
    return history.component(db, component_name)
