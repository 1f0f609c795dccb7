"""The public ``Component``: the plain entity plus mltrace's ``run`` decorator.

Subclass it as mltrace's docs do (``class Cleaning(Component)``), or use it directly. The
object holds no connection: ``run`` hands the decorated function to ``instrument``, which
builds and logs one ``ComponentRun`` per call through the default client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

from mltrace_graph.client.decorator import instrument
from mltrace_graph.client.options import parse_options, positional_options
from mltrace_graph.entities import component as entity

F = TypeVar("F", bound=Callable[..., Any])


class Component(entity.Component):
    """A pipeline stage whose ``run`` decorator logs each call (mltrace's ``Component``).

    Args: as ``entities.component.Component``: name, owner, description, tags,
    beforeTests, afterTests.
    """

    @overload
    def run(self, func: F) -> F: ...

    @overload
    def run(self, *user_args: Any, **user_kwargs: Any) -> Callable[[F], F]: ...

    def run(self, *user_args: Any, **user_kwargs: Any) -> F | Callable[[F], F]:
        """Decorates a function so each call is logged as a run of this component.

        Use it bare (``@c.run``) or with options (``@c.run(input_vars=["path"],
        output_vars=["out"], auto_log=True)``). The options are those of mltrace, in its
        positional order too: ``inputs``, ``outputs``, ``input_vars``, ``output_vars``,
        ``input_kwargs``, ``output_kwargs``, ``endpoint``, ``staleness_threshold``,
        ``auto_log``; plus ``params`` and ``metrics`` (names of variables, or a dict of
        values). As in mltrace, further positionals are accepted and unused, another
        keyword maps a test's argument to a variable of the function (``df="raw_df"``),
        and ``skip_before=True`` / ``skip_after=True`` skip the tests.

        Raises:
            TypeError: an option is misspelt (the message names the nearest option) or has
                a value of the wrong type.
        """
        func: Any = None
        if len(user_args) == 1 and callable(user_args[0]) and not user_kwargs:
            func = user_args[0]
        options = positional_options(user_args if func is None else (), user_kwargs)
        # A mistake in the options fails here, at decoration time.
        parse_options(options, test_params=self._test_parameters())
        if func is not None:
            return cast(F, instrument(self, func, **options))

        def decorate(inner: F) -> F:
            return cast(F, instrument(self, inner, **options))

        return decorate
