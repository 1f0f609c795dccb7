"""The as_of validator: one reading of a moment for the Python API, the CLI and GraphQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mltrace_graph.errors import InvalidInputError
from mltrace_graph.service import arguments


def test_as_of_none_means_now() -> None:
    assert arguments.as_of(None) is None


def test_as_of_reads_a_naive_datetime_and_a_naive_string_as_utc() -> None:
    expected = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    assert arguments.as_of(datetime(2026, 1, 5, 9, 30)) == expected
    assert arguments.as_of("2026-01-05T09:30") == expected
    assert arguments.as_of("2026-01-05T09:30:00Z") == expected


def test_as_of_keeps_an_explicit_offset() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert arguments.as_of("2026-01-05T11:30+02:00") == datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    assert arguments.as_of(datetime(2026, 1, 5, 11, 30, tzinfo=plus_two)).hour == 9


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", 17, ["2026-01-05"]])
def test_as_of_rejects_what_is_not_a_moment_naming_the_field(bad: object) -> None:
    with pytest.raises(InvalidInputError) as caught:
        arguments.as_of(bad, field="as_of")
    assert caught.value.field == "as_of"
    assert "as_of" in str(caught.value)
