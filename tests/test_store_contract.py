"""The store interface's promises, held by every backend: JSON file, SQLite, PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from fbcli.errors import StoreError
from fbcli.rules.model import Feedback, PlanChange, Session, Settings, Student, Tutor
from fbcli.rules.stats import Period, tutor_stats
from fbcli.store import open_store
from tests.conftest import StoreHandle, assert_same_figures

pytestmark = pytest.mark.every_backend

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def make_store(location: str) -> None:
    with open_store(location, create=True) as store:
        store.put_tutors([Tutor("maria", "Maria"), Tutor("olga", "Olga", role="admin")])
        store.put_students(
            [Student("ST-1", "Ann", {"fluency": 6}), Student("ST-2", "Bo", {})]
        )
        store.put_sessions(
            [
                Session("S-2", "maria", "ST-1", T0 + timedelta(days=1)),
                Session("S-1", "maria", "ST-1", T0),
                Session("S-3", "olga", "ST-2", T0, 45),
            ]
        )


def full_feedback(session: str = "S-1", version: int = 1) -> Feedback:
    return Feedback(
        session,
        "maria",
        T0 + timedelta(hours=version),
        completed=True,
        version=version,
        reason=None,
        student_missed=None,
        tech_issues=True,
        note="a note\nwith a line",
        platform="Zoom",
        evaluation={"fluency": 7, "accuracy": 5},
        great_work=True,
        goal="phrasal-verbs",
        doing_great="fluency",
        focus="Phrasal verbs",
        language_seen="get on; get by",
        follow_up="More with 'get'",
        comments="Ünïcode ✓",
        saved_at=datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=UTC),
    )


def test_records_written_come_back_whole(store_location: str) -> None:
    make_store(store_location)
    given = full_feedback()
    missed = Feedback(
        "S-3",
        "olga",
        T0 + timedelta(hours=2),
        completed=False,
        reason="student-absent",
        student_missed=True,
    )
    change = PlanChange("ST-1", "phrasal-verbs", "add", T0, "maria")

    with open_store(store_location, write=True) as store:
        store.add_feedback([given, missed])
        store.add_plan_changes([change])

    with open_store(store_location) as store:
        assert store.tutor("olga") == Tutor("olga", "Olga", role="admin")
        assert store.tutor("nobody") is None
        assert [t.id for t in store.tutors()] == ["maria", "olga"]
        assert store.student("ST-1") == Student("ST-1", "Ann", {"fluency": 6})
        assert store.session("S-3") == Session("S-3", "olga", "ST-2", T0, 45)
        assert store.feedback("S-1") == given
        assert store.feedback("S-3") == missed
        assert store.feedback("S-2") is None
        assert store.plan_changes() == [change]
        assert store.plan_changes("ST-2") == []


def test_sessions_come_oldest_first_and_by_tutor_and_student(
    store_location: str,
) -> None:
    make_store(store_location)

    with open_store(store_location) as store:
        assert [s.id for s in store.sessions()] == ["S-1", "S-3", "S-2"]
        assert [s.id for s in store.sessions(tutor="maria")] == ["S-1", "S-2"]
        assert [s.id for s in store.sessions(student="ST-2")] == ["S-3"]
        assert [s.id for s in store.sessions(tutor="olga", student="ST-1")] == []
        assert store.session_ids() == ["S-2", "S-1", "S-3"]


def test_putting_a_record_again_replaces_it_in_its_place(store_location: str) -> None:
    make_store(store_location)

    with open_store(store_location, write=True) as store:
        store.put_tutors([Tutor("maria", "Maria Lopez", "m@example.com")])
        store.put_sessions([Session("S-2", "maria", "ST-2", T0, 60)])

    with open_store(store_location) as store:
        assert store.tutors()[0] == Tutor("maria", "Maria Lopez", "m@example.com")
        assert store.session("S-2") == Session("S-2", "maria", "ST-2", T0, 60)
        assert store.session_ids() == ["S-2", "S-1", "S-3"]
        assert store.counts()["sessions"] == 3


def test_feedback_follows_its_session_to_another_student(store_location: str) -> None:
    make_store(store_location)
    first = full_feedback(version=1)
    second = replace(first, version=2, given_at=T0 + timedelta(days=2))
    with open_store(store_location, write=True) as store:
        store.add_feedback([first])

    with open_store(store_location, write=True) as store:
        store.put_sessions([Session("S-1", "maria", "ST-2", T0)])
    with open_store(store_location, write=True) as store:
        store.add_feedback([second])

    with open_store(store_location) as store:
        assert store.latest_feedback(student="ST-2") == {"S-1": second}
        assert store.latest_feedback(student="ST-1") == {}
        assert store.latest_feedback(tutor="maria", student="ST-2") == {"S-1": second}
        assert store.feedback_versions("S-1") == [first, second]
        assert [f.version for f in store.dump().feedback] == [1, 2]


def test_feedback_versions_are_kept_and_the_latest_wins(store_location: str) -> None:
    make_store(store_location)
    first = full_feedback(version=1)
    second = replace(
        first, version=2, comments="fixed", given_at=T0 + timedelta(days=3)
    )

    with open_store(store_location, write=True) as store:
        store.add_feedback([first])
    with open_store(store_location, write=True) as store:
        store.add_feedback([second])

    with open_store(store_location) as store:
        assert store.feedback_versions("S-1") == [first, second]
        assert store.feedback("S-1") == second
        assert store.latest_feedback() == {"S-1": second}
        assert store.latest_feedback(tutor="maria", student="ST-1") == {"S-1": second}
        assert store.latest_feedback(student="ST-2") == {}
        assert store.first_given_times() == {"S-1": first.given_at}
        assert store.first_given_times(["S-1", "S-2"]) == {"S-1": first.given_at}
        assert store.first_given_times(["S-2"]) == {}


def test_a_version_already_stored_is_refused(store_location: str) -> None:
    make_store(store_location)
    with open_store(store_location, write=True) as store:
        store.add_feedback([full_feedback()])

    with (
        pytest.raises(StoreError, match="version 1 of session S-1 is already stored"),
        open_store(store_location, write=True) as store,
    ):
        store.add_feedback([replace(full_feedback(), comments="again")])

    with open_store(store_location) as store:
        assert store.feedback_versions("S-1") == [full_feedback()]


def test_an_error_inside_the_block_writes_nothing(store_location: str) -> None:
    make_store(store_location)

    with (
        pytest.raises(ZeroDivisionError),
        open_store(store_location, write=True) as store,
    ):
        store.add_feedback([full_feedback()])
        store.put_tutors([Tutor("new", "New")])
        _ = 1 / 0

    with open_store(store_location) as store:
        assert store.feedback("S-1") is None
        assert store.tutor("new") is None


def test_a_store_opened_for_reading_refuses_writes(store_location: str) -> None:
    make_store(store_location)

    with pytest.raises(RuntimeError), open_store(store_location) as store:
        store.put_tutors([Tutor("new", "New")])


def test_a_missing_store_says_how_to_create_one(store_location: str) -> None:
    with pytest.raises(StoreError, match="fbcli init"), open_store(store_location):
        pass


def test_create_refuses_an_existing_store_unless_replacing(store_location: str) -> None:
    make_store(store_location)

    with (
        pytest.raises(StoreError, match="--force"),
        open_store(store_location, create=True),
    ):
        pass
    with open_store(store_location) as store:
        assert store.counts()["sessions"] == 3

    with open_store(store_location, create=True, replace=True) as store:
        pass
    with open_store(store_location) as store:
        assert store.counts() == dict.fromkeys(
            ("tutors", "students", "sessions", "feedback", "plan_changes"), 0
        )


def test_dump_lists_every_record_in_the_order_written(store_location: str) -> None:
    make_store(store_location)
    first = full_feedback(version=1)
    second = replace(first, version=2)
    late = PlanChange("ST-1", "b", "add", T0 + timedelta(days=2), "maria")
    early = PlanChange("ST-1", "a", "add", T0, "maria")
    with open_store(store_location, write=True) as store:
        store.add_feedback([first, second])
        store.add_plan_changes([late, early])

    with open_store(store_location) as store:
        dump = store.dump()
        assert [s.id for s in dump.sessions] == ["S-2", "S-1", "S-3"]
        assert dump.feedback == [first, second]
        assert dump.plan_changes == [late, early]
        assert store.plan_changes("ST-1") == [early, late]
        assert dump.counts() == {
            "tutors": 2,
            "students": 2,
            "sessions": 3,
            "feedback": 2,
            "plan_changes": 2,
        }


@pytest.mark.parametrize(
    "days", [(None, None), (datetime(2026, 11, 1).date(), None), (None, T0.date())]
)
def test_tutor_figures_are_those_of_the_rules(
    demo_store: StoreHandle, days: tuple[object, object]
) -> None:
    now = datetime(2026, 11, 30, 18, tzinfo=UTC)
    period = Period.of_days(*days, zone=UTC)  # type: ignore[arg-type]
    with open_store(str(demo_store)) as store:
        tutors = store.tutors()
        figures = store.tutor_figures(tutors, period, now, Settings())
        expected = tutor_stats(
            tutors,
            store.sessions(),
            store.latest_feedback(),
            store.first_given_times(),
            period,
            now,
            Settings(),
        )

    assert_same_figures(figures, expected)


def test_platforms_first_met_at_one_start_come_in_session_order(
    store_location: str,
) -> None:
    make_store(store_location)
    now = T0 + timedelta(days=5)
    with open_store(store_location, write=True) as store:
        store.put_sessions([Session("S-0", "maria", "ST-2", T0)])
        store.add_feedback(
            [
                replace(full_feedback("S-1"), platform="zoom"),
                replace(full_feedback("S-0"), platform=None),
                replace(full_feedback("S-2"), platform="Meet"),
            ]
        )
    with open_store(store_location) as store:
        tutors = store.tutors()
        period = Period.of_days(None, None, zone=UTC)
        [got] = store.tutor_figures(tutors, period, now, Settings(), ["maria"])
        [want] = tutor_stats(
            tutors,
            store.sessions(),
            store.latest_feedback(),
            store.first_given_times(),
            period,
            now,
            Settings(),
            ["maria"],
        )

    assert (
        list(got.platforms) == list(want.platforms) == ["(no platform)", "zoom", "Meet"]
    )
