"""When feedback was first given: the moment progress and lateness are judged by.

``Store.first_given_times`` answers for every session or for a few, in one
read either way; ``stats --student`` uses it instead of reading each amended
session's versions.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fbcli.rules.model import Feedback, Session, Student, Tutor
from fbcli.store import open_store
from fbcli.store.base import Store
from fbcli.store.json_store import JsonStore
from fbcli.store.sql.driver import Database, Row
from fbcli.store.sql.store import SqlStore
from fbcli.store.tables import Table
from tests.conftest import Runner

pytestmark = pytest.mark.every_backend

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def given(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


@pytest.fixture
def store(store_location: str) -> str:
    """S-1 amended twice, S-2 never, S-3 amended once (version 1 stored last)."""
    path = store_location
    with open_store(path, create=True) as new:
        new.put_tutors([Tutor("maria", "Maria"), Tutor("olga", "Olga", role="admin")])
        new.put_students([Student("ST-1", "Ana")])
        new.put_sessions(
            Session(f"S-{n}", "maria", "ST-1", given(n - 1)) for n in (1, 2, 3, 4)
        )
        new.add_feedback(
            [
                Feedback("S-1", "maria", given(1), True),
                Feedback("S-2", "maria", given(2), True),
                Feedback("S-3", "maria", given(30), True, version=2),
            ]
        )
    with open_store(path, write=True) as more:
        more.add_feedback(
            [
                Feedback("S-1", "maria", given(60), True, version=2),
                Feedback("S-1", "maria", given(61), True, version=3),
                Feedback("S-3", "maria", given(3), True, version=1),
            ]
        )
    return path


@pytest.mark.parametrize(
    ("sessions", "expected"),
    [
        pytest.param(None, {"S-1": given(1), "S-3": given(3)}, id="every-session"),
        pytest.param(["S-1", "S-2"], {"S-1": given(1)}, id="some"),
        pytest.param(("S-3", "S-3"), {"S-3": given(3)}, id="a-tuple-with-a-repeat"),
        pytest.param({"S-2", "S-4", "S-9"}, {}, id="none-amended-or-unknown"),
        pytest.param([], {}, id="no-sessions"),
    ],
)
def test_first_given_times_of_all_or_some_sessions(
    store: str, sessions: Collection[str] | None, expected: dict[str, datetime]
) -> None:
    with open_store(store) as opened:
        found = opened.first_given_times(sessions)

    assert found == expected


def test_some_sessions_are_looked_up_in_one_pass(
    store: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    if backend == "json":
        find_each = Table.find_each

        def counted(table: Table, field: str, values: list[str]) -> object:
            if table.name == "feedback":
                calls.append(list(values))
            return find_each(table, field, values)

        monkeypatch.setattr(Table, "find_each", counted)
    else:
        rows = Database.rows

        def counted_rows(db: Database, name: str, **params: Any) -> list[Row]:
            calls.append([name, *json.loads(params.get("ids", "[]"))])
            return rows(db, name, **params)

        monkeypatch.setattr(Database, "rows", counted_rows)

    with open_store(store) as opened:
        found = opened.first_given_times(["S-1", "S-2", "S-3"])

    if backend == "json":
        assert calls == [["S-1", "S-2", "S-3"]]
    else:
        assert calls == [["first_given_of", "S-1", "S-2", "S-3"]]
    assert found == {"S-1": given(1), "S-3": given(3)}


def test_stats_for_a_student_read_no_session_versions_one_by_one(
    cli: Runner, store: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Store, session_id: str) -> list[Feedback]:
        raise AssertionError(f"read the versions of {session_id} one by one")

    kind = JsonStore if backend == "json" else SqlStore
    monkeypatch.setattr(kind, "feedback_versions", refuse)
    monkeypatch.setenv("FBCLI_NOW", "2026-12-01T00:00:00+00:00")

    result = cli("--db", store, "--as", "olga", "stats", "--student", "ST-1", "--json")

    assert result.code == 0, result.stderr
    lines = {line["session"]: line for line in json.loads(result.stdout)["sessions"]}
    assert {s: line["given_at"] for s, line in lines.items()} == {
        "S-1": "2026-11-02T10:00:00+00:00",
        "S-2": "2026-11-02T11:00:00+00:00",
        "S-3": "2026-11-02T12:00:00+00:00",
        "S-4": None,
    }
    # S-1 was amended more than 48 hours after it started, first given within.
    assert [line["late"] for line in lines.values()] == [False, False, False, False]
