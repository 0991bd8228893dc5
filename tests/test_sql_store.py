"""The database store: schema versions, racing writers, stats in SQL, and migrate."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fbcli.rules.model import Feedback, Session, Settings, Student, Tutor
from fbcli.rules.stats import Period, tutor_stats
from fbcli.store import open_store
from fbcli.store.sql.compiled import SCHEMA_VERSION
from fbcli.store.sql.driver import WRITERS_LOCK
from tests.conftest import (
    NOW,
    DatabaseStore,
    Runner,
    StoreHandle,
    assert_same_figures,
    store_dump,
)

DATABASES = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
GIVE = [
    "--completed",
    "--platform",
    "zoom",
    "--eval",
    "fluency==",
    "--no-great-work",
    "--goal",
    "modals-of-deduction",
    "--add-to-plan",
    "--focus",
    "Phrasal verbs",
    "--language-seen",
    "get on",
    "--follow-up",
    "More",
    "--no-input",
]


def raw_sql(location: str, *statements: str) -> None:
    """Run SQL on the store's database directly, as another tool would."""
    if location.startswith("sqlite"):
        import sqlite3

        database = sqlite3.connect(location.removeprefix("sqlite:///"))
        with database:
            for text in statements:
                database.execute(text)
        database.close()
        return
    import psycopg

    with psycopg.connect(location) as connection:
        for text in statements:
            connection.execute(text)


def test_the_compiled_sql_is_what_the_statements_compile_to() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fbcli.store.sql.build", "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@DATABASES
def test_commands_on_a_database_load_no_sqlalchemy(demo_store: StoreHandle) -> None:
    script = (
        "import sys\n"
        "from fbcli.cli import run\n"
        f"code = run(['--db', {str(demo_store)!r}, '--as', 'maria', 'pending', '--json'])\n"
        "assert code == 0, code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_json_store_loads_no_database_driver(demo_store: StoreHandle) -> None:
    script = (
        "import sys\n"
        "from fbcli.cli import run\n"
        f"code = run(['--db', {str(demo_store)!r}, '--as', 'maria', 'pending', '--json'])\n"
        "assert code == 0, code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlite3', 'psycopg', 'sqlalchemy') or m.startswith('fbcli.store.sql')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


@DATABASES
def test_a_newer_schema_is_refused_and_left_alone(
    cli: Runner, demo_store: DatabaseStore
) -> None:
    raw_sql(
        demo_store.location,
        "UPDATE fbcli_meta SET value = '99' WHERE key = 'schema_version'",
    )

    result = cli("--as", "maria", "pending")

    assert result.code == 5
    assert "schema version 99" in result.stderr
    assert result.stderr.count("\n") == 1


def rebuild_at_version(location: str, version: int) -> None:
    """Rebuild the store at ``location`` as fbcli's schema steps up to
    ``version`` made it, holding the same records."""
    from fbcli.store.sql import schema
    from fbcli.store.sql.compiled import STEPS

    dialect = "sqlite" if location.startswith("sqlite") else "postgresql"
    old_tables = schema.step_one_tables()
    if location.startswith("sqlite"):
        import sqlite3

        connection: Any = sqlite3.connect(
            location.removeprefix("sqlite:///"), isolation_level=None
        )
        mark = "?"
        connection.execute("BEGIN")
    else:
        import psycopg

        connection = psycopg.connect(location)
        mark = "%s"
    rows = {}
    for table in old_tables:
        if table.name == "fbcli_meta":
            continue
        names = ", ".join(f'"{c.name}"' for c in table.columns)
        rows[table.name] = (
            names,
            list(connection.execute(f"SELECT {names} FROM {table.name} ORDER BY seq")),
        )
    for table in (*reversed(schema.RECORD_TABLES), schema.meta):
        connection.execute(f"DROP TABLE {table.name}")
    for number, step in enumerate(STEPS[dialect][:version], start=1):
        for text, defaults in step:
            connection.execute(text, defaults)
        if number == 1:
            for name, (names, found) in rows.items():
                marks = ", ".join(mark for _ in names.split(", "))
                for row in found:
                    connection.execute(
                        f"INSERT INTO {name} ({names}) VALUES ({marks})", row
                    )
    connection.execute(
        f"INSERT INTO fbcli_meta (key, value) VALUES ('schema_version', '{version}')"
    )
    connection.execute("COMMIT" if dialect == "sqlite" else "SELECT 1")
    if dialect == "postgresql":
        connection.commit()
    connection.close()


@DATABASES
@pytest.mark.parametrize("version", [1, 3])
def test_a_store_at_an_older_schema_version_is_brought_forward(
    cli: Runner, demo_store: DatabaseStore, demo_template: Path, version: int
) -> None:
    rebuild_at_version(demo_store.location, version)

    result = cli("--as", "olga", "stats", "--all", "--format", "json")
    on_file = cli(
        "--db", str(demo_template), "--as", "olga", "stats", "--all", "--json"
    )

    assert result.code == 0, result.stderr
    assert f"from schema version {version} to {SCHEMA_VERSION}" in result.stderr
    assert result.stdout == on_file.stdout
    assert demo_store.dump() == store_dump(demo_template)
    again = cli("--as", "olga", "stats", "--all", "--format", "json")
    assert "schema version" not in again.stderr


@DATABASES
def test_init_makes_a_store_every_command_can_use(cli: Runner) -> None:
    assert cli("init").code == 0
    assert cli("init").code == 5
    assert cli("--as", "nobody", "pending").code == 3


@DATABASES
def test_a_database_without_a_store_says_how_to_make_one(cli: Runner) -> None:
    result = cli("--as", "maria", "pending")

    assert result.code == 5
    assert "fbcli init" in result.stderr


def test_a_bad_url_is_one_clear_line(cli: Runner) -> None:
    result = cli("--db", "mysql://root@localhost/x", "--as", "maria", "pending")

    assert result.code == 5
    assert "sqlite:///PATH or postgresql://" in result.stderr


# Racing writers.


def hold_writers_lock(location: str) -> subprocess.Popen[str]:
    """Another process holding the database's writers' lock until its stdin closes."""
    script = (
        "import sys\n"
        f"location = {location!r}\n"
        "if location.startswith('sqlite'):\n"
        "    import sqlite3\n"
        "    c = sqlite3.connect(location.removeprefix('sqlite:///'), isolation_level=None)\n"
        "    c.execute('BEGIN IMMEDIATE')\n"
        "else:\n"
        "    import psycopg\n"
        "    c = psycopg.connect(location, autocommit=True)\n"
        f"    c.execute('SELECT pg_advisory_lock({WRITERS_LOCK}, "
        "hashtext(current_schema()))')\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "held\n"
    return holder


def race(env: dict[str, str], location: str, sessions: list[str]) -> list[int]:
    """Two gives started while the writers' lock is held, then let go together."""
    holder = hold_writers_lock(location)
    gives = [
        subprocess.Popen(
            [sys.executable, "-m", "fbcli", "--as", "maria", "give", session, *GIVE],
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for session in sessions
    ]
    # Both have read the store (PostgreSQL) or wait for the lock (SQLite).
    import time

    time.sleep(2.0)
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(10)
    codes = []
    for give in gives:
        _, err = give.communicate(timeout=60)
        codes.append(give.returncode)
        if give.returncode != 0:
            # PostgreSQL's unique constraint, or SQLite's lock letting the
            # second writer read the first one's version.
            assert "meanwhile" in err or "while this one ran" in err, err
    return codes


def pending_of_maria(location: str) -> list[str]:
    with open_store(location) as store:
        now = datetime.fromisoformat(NOW)
        given = store.latest_feedback(tutor="maria")
        return [
            s.id
            for s in store.sessions(tutor="maria")
            if s.end <= now and s.id not in given
        ]


@pytest.mark.slow
@DATABASES
def test_two_gives_on_one_session_cannot_both_succeed(
    env: dict[str, str], demo_store: DatabaseStore
) -> None:
    session = pending_of_maria(demo_store.location)[0]

    codes = race(env, demo_store.location, [session, session])

    assert sorted(codes) == [0, 5]
    with open_store(demo_store.location) as store:
        assert [f.version for f in store.feedback_versions(session)] == [1]


@pytest.mark.slow
@DATABASES
def test_two_gives_on_different_sessions_both_succeed(
    env: dict[str, str], demo_store: DatabaseStore
) -> None:
    first, second = pending_of_maria(demo_store.location)[:2]

    codes = race(env, demo_store.location, [first, second])

    assert codes == [0, 0]
    with open_store(demo_store.location) as store:
        assert store.feedback(first) is not None
        assert store.feedback(second) is not None


# Stats counted by the database are the rules' figures, whatever the history.

T0 = datetime(2026, 10, 1, tzinfo=UTC)
PLATFORMS = st.sampled_from([None, "", " ", "zoom", "Zoom", "ZOOM ", "meet", "Méet"])


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Session], list[Feedback]]:
    sessions = []
    feedback = []
    count = draw(st.integers(0, 40))
    for number in range(count):
        start = T0 + timedelta(hours=draw(st.integers(0, 24 * 30)))
        session = Session(
            f"S-{number:03d}",
            draw(st.sampled_from(["ana", "ben", "olga"])),
            draw(st.sampled_from(["ST-1", "ST-2", "ST-3"])),
            start,
            draw(st.sampled_from([30, 45, 60])),
        )
        sessions.append(session)
        for version in range(1, draw(st.integers(0, 3)) + 1):
            completed = draw(st.booleans())
            feedback.append(
                Feedback(
                    session.id,
                    session.tutor,
                    session.end + timedelta(minutes=draw(st.integers(0, 60 * 80))),
                    completed,
                    version,
                    None
                    if completed
                    else draw(st.sampled_from(["student-absent", "emergency", ""])),
                    tech_issues=draw(st.booleans()),
                    platform=draw(PLATFORMS),
                    great_work=completed and draw(st.booleans()),
                    doing_great=draw(st.sampled_from([None, None, "fluency", ""]))
                    if completed
                    else None,
                )
            )
    return sessions, feedback


def check_same_figures(
    location: str,
    history: tuple[list[Session], list[Feedback]],
    period_days: tuple[int | None, int | None],
    now_hours: int,
) -> None:
    sessions, feedback = history
    tutors = [
        Tutor("ana", "Ana"),
        Tutor("ben", "Ben"),
        Tutor("olga", "Olga", role="admin"),
    ]
    with open_store(location, create=True, replace=True) as store:
        store.put_tutors(tutors)
        store.put_students([Student(f"ST-{n}", f"S{n}") for n in (1, 2, 3)])
        store.put_sessions(sessions)
    # Versions arrive one command at a time, as tutors give and amend them.
    for version in (1, 2, 3):
        with open_store(location, write=True) as store:
            store.add_feedback(f for f in feedback if f.version == version)
    since, until = period_days
    period = Period.of_days(
        None if since is None else (T0 + timedelta(days=since)).date(),
        None if until is None else (T0 + timedelta(days=until)).date(),
        UTC,
    )
    now = T0 + timedelta(hours=now_hours)
    with open_store(location) as store:
        latest = store.latest_feedback()
        first = store.first_given_times()
        for only in (None, ["ben"]):
            got = store.tutor_figures(tutors, period, now, Settings(), only)
            want = tutor_stats(
                tutors, sessions, latest, first, period, now, Settings(), only
            )
            assert_same_figures(got, want)
            for mine, theirs in zip(got, want, strict=True):
                assert list(mine.platforms) == list(theirs.platforms)


PERIODS = st.tuples(
    st.one_of(st.none(), st.integers(0, 30)), st.one_of(st.none(), st.integers(0, 30))
)


@DATABASES
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(history=histories(), period_days=PERIODS, now_hours=st.integers(0, 24 * 35))
def test_stats_in_sql_are_the_rules_figures(
    store_location: str,
    history: tuple[list[Session], list[Feedback]],
    period_days: tuple[int | None, int | None],
    now_hours: int,
) -> None:
    check_same_figures(store_location, history, period_days, now_hours)


# migrate


def test_a_round_trip_through_sqlite_gives_back_the_same_file(
    cli: Runner, demo_store: Path, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'school.db'}"
    back = tmp_path / "back.json"

    there = cli("--as", "olga", "migrate", "--to", database)
    again = cli("--db", database, "--as", "olga", "migrate", "--to", str(back))

    assert there.code == 0, there.stderr
    assert "copied 4 tutors, 36 students, 327 sessions" in there.stdout
    assert again.code == 0, again.stderr
    assert back.read_bytes() == demo_store.read_bytes()


def test_a_round_trip_through_postgresql_gives_back_the_same_file(
    cli: Runner, demo_store: Path, tmp_path: Path, pg_server: str
) -> None:
    from tests.conftest import pg_schema

    back = tmp_path / "back.json"
    with pg_schema(pg_server) as database:
        there = cli("--as", "olga", "migrate", "--to", database, "--json")
        again = cli("--db", database, "--as", "olga", "migrate", "--to", str(back))

    assert there.code == 0, there.stderr
    assert '"sessions": 327' in there.stdout
    assert again.code == 0, again.stderr
    assert back.read_bytes() == demo_store.read_bytes()


def test_migrate_refuses_a_target_that_holds_a_store(
    cli: Runner, demo_store: Path, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'school.db'}"
    assert cli("--as", "olga", "migrate", "--to", database).code == 0
    target = DatabaseStore(database)
    before = target.read_bytes()

    refused = cli("--as", "olga", "migrate", "--to", database)

    assert refused.code == 5
    assert "--force" in refused.stderr
    assert target.read_bytes() == before
    replaced = cli("--as", "olga", "migrate", "--to", database, "--force")
    assert replaced.code == 0, replaced.stderr
    assert (tmp_path / "school.db.bak").exists()


def test_migrate_is_for_admins_and_needs_another_place(
    cli: Runner, demo_store: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copy.json"

    assert cli("--as", "maria", "migrate", "--to", str(target)).code == 4
    assert not target.exists()
    assert cli("--as", "olga", "migrate", "--to", str(demo_store)).code == 2


def test_migrate_shows_progress_at_a_terminal(
    spawn: object, demo_store: Path, tmp_path: Path
) -> None:
    import pexpect

    start = spawn  # the pseudo-terminal fixture
    child = start(  # type: ignore[operator]
        "migrate", "--to", f"sqlite:///{tmp_path / 'school.db'}", as_tutor="olga"
    )
    child.expect("copy committed")
    child.expect("copied 4 tutors")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@DATABASES
def test_doctor_on_a_database_says_what_it_holds(
    cli: Runner, demo_store: DatabaseStore
) -> None:
    healthy = cli("doctor")
    assert healthy.code == 0, healthy.stderr
    assert "327 sessions" in healthy.stdout
    raw_sql(
        demo_store.location,
        "UPDATE fbcli_meta SET value = '99' WHERE key = 'schema_version'",
    )
    broken = cli("doctor", "--json")
    assert broken.code == 5
    assert '"usable": false' in broken.stdout


def test_a_server_that_cannot_be_reached_is_one_line_without_the_password(
    cli: Runner,
) -> None:
    url = "postgresql://fbcli:s3cret@127.0.0.1:1/school"

    result = cli("--db", url, "--as", "maria", "pending")

    assert result.code == 5
    assert result.stderr.startswith("error: cannot connect to ")
    assert result.stderr.count("\n") == 1
    assert "s3cret" not in result.stderr
    assert "fbcli:***@" in result.stderr


# What giving feedback reads, on SQLite: each from a few neighbouring pages.

GIVE_READS = {
    # The student's sessions and their latest versions, from one index.
    "sessions_of_student": "SEARCH sessions USING COVERING INDEX sessions_of_student",
    # The student's feedback, stored together under the student's key.
    "latest_feedback_of_student": "SEARCH feedback USING PRIMARY KEY (student=?)",
    # The tutor's newest completed sessions and their badges.
    "completed_badges": "SEARCH sessions USING COVERING INDEX sessions_badges",
}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("name", sorted(GIVE_READS))
def test_giving_feedback_reads_the_students_records_together(
    demo_store: DatabaseStore, name: str
) -> None:
    import sqlite3

    from fbcli.store.sql.compiled import SQL

    ((text, defaults),) = SQL["sqlite"][name]
    values = {"student": "ST-120", "tutor": "maria", "newest": 22}
    database = sqlite3.connect(demo_store.location.removeprefix("sqlite:///"))
    plan = [
        row[3]
        for row in database.execute(
            f"EXPLAIN QUERY PLAN {text}", {**defaults, **values}
        )
    ]
    database.close()

    assert plan[0].startswith(GIVE_READS[name]), plan


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_runs_are_rewritten_from_the_index_and_only_where_they_changed(
    demo_store: DatabaseStore,
) -> None:
    import sqlite3

    from fbcli.store.sql.compiled import SQL

    clear, rewrite = SQL["sqlite"]["refresh_runs_of"]
    database = sqlite3.connect(
        demo_store.location.removeprefix("sqlite:///"), isolation_level=None
    )
    student, session, run = database.execute(
        "SELECT student, id, award_run FROM sessions WHERE award_run > 1 LIMIT 1"
    ).fetchone()
    plan = [
        row[3]
        for row in database.execute(
            f"EXPLAIN QUERY PLAN {rewrite[0]}", {**rewrite[1], "student": student}
        )
    ]

    def rewritten() -> int:
        before = database.total_changes
        for text, defaults in (clear, rewrite):
            database.execute(text, {**defaults, "student": student})
        return database.total_changes - before

    assert rewritten() == 0
    database.execute("UPDATE sessions SET award_run = 99 WHERE id = ?", (session,))
    assert rewritten() == 1
    (back,) = database.execute(
        "SELECT award_run FROM sessions WHERE id = ?", (session,)
    ).fetchone()
    database.close()

    assert back == run
    reads = [line for line in plan if " sessions " in f"{line} "]
    assert reads, plan
    assert all("COVERING INDEX" in line for line in reads), plan


@DATABASES
def test_a_bulk_load_keeps_the_order_feedback_was_given_in(
    store_location: str,
) -> None:
    from fbcli.store.sql.store import BULK

    start = datetime(2026, 1, 1, tzinfo=UTC)
    students = [Student(f"ST-{n}", f"Student {n}") for n in range(7)]
    # Sessions in time order, their students taking turns: the table's key
    # order (student first) is not the order they were given in.
    sessions = [
        Session(f"S-{n:05}", "maria", students[n % 7].id, start + timedelta(hours=n))
        for n in range(BULK + 200)
    ]
    given = [
        Feedback(
            s.id,
            "maria",
            s.start + timedelta(hours=1),
            completed=True,
            evaluation={"fluency": 5},
            goal="phrasal-verbs",
        )
        for s in reversed(sessions)
    ]
    with open_store(store_location, create=True) as store:
        store.put_tutors([Tutor("maria", "Maria")])
        store.put_students(students)
        store.put_sessions(sessions)
        store.add_feedback(given)

    with open_store(store_location) as store:
        assert store.dump().feedback == given
        assert store.latest_feedback(student="ST-3") == {
            f.session: f for f in given if int(f.session[2:]) % 7 == 3
        }
