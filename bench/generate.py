"""Deterministic stores of a school's history, for benchmarks.

A store of N sessions holds 200 teaching tutors and one admin, 5,000 students
each with a study plan (some changed part-way), and about 0.9 feedback records
per session: most ended sessions have feedback, a few have an amended second
version, recent ones are often still pending, and the last two days are
upcoming. Everything is drawn from one seeded ``random.Random`` relative to a
fixed NOW, and written through fbcli's own store API, so the same N and seed
give the same bytes.

With ``backfill=R`` the store also holds R ended sessions of one more tutor,
BACKFILL_TUTOR, none with feedback yet: a term's backlog that the tutor then
gives in one ``fbcli give --from`` file (``fbcli give`` accepts feedback only
from a session's own tutor, so one file is one tutor's sessions).

The same records go into a JSON file, a SQLite file or a PostgreSQL schema
of their own (``fbcli_bench_N``), through ``open_store`` as fbcli writes them.

Run ``python -m bench.generate N [--backend B] [--backfill R] [--out PATH]``
to write one; the runner keeps generated stores under ``bench/stores/``, keyed
by N, R, seed and ``GENERATOR_VERSION``, and for a database by fbcli's database
schema version too (a schema's comment carries the same key, so a schema made
by another generator or schema version is rebuilt, not brought forward while
it is timed).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from fbcli import school
from fbcli.rules.model import (
    Feedback,
    Goal,
    PlanChange,
    Session,
    Student,
    Tutor,
    format_time,
)
from fbcli.store import SCHEMA_VERSION, open_store

# Bump whenever the generated data changes, so cached stores are rebuilt.
GENERATOR_VERSION = 5

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
SEED = 20261130
SIZES = (1_000, 10_000, 100_000)
TUTORS = 200
STUDENTS = 5_000
FEEDBACK_PER_SESSION = 0.9
ADMIN = "admin"
BACKFILL_TUTOR = "t-backfill"
STORES = Path(__file__).resolve().parent / "stores"
BACKENDS = ("json", "sqlite", "postgresql")
PG_SERVER = os.environ.get(
    "FBCLI_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
# A database store of more sessions than this is written in blocks of this many
# sessions (and their feedback), one transaction each; a smaller one in one.
BLOCK = 1_000_000

NOT_COMPLETED_SHARE = 0.08
AMENDED_SHARE = 0.03
RECENT_GIVEN_SHARE = 0.5
UPCOMING_DAYS = 2
REASON_WEIGHTS = {
    "student-absent": 5,
    "student-tech": 2,
    "server-down": 2,
    "emergency": 1,
}
PLATFORMS = ("zoom",) * 8 + ("google meet", "teams")
FIRST_NAMES = (
    "Anna",
    "Lucas",
    "Yuki",
    "Mehmet",
    "Sofia",
    "Chen",
    "Amara",
    "Jonas",
    "Léa",
    "Mateo",
    "Priya",
    "Olek",
    "Ines",
    "Kwame",
    "Hana",
    "Diego",
    "Elif",
    "Tomás",
    "Noor",
    "Lars",
    "Mei",
    "Rafael",
    "Zofia",
    "Ahmed",
    "Chloé",
    "Ivan",
)
LAST_NAMES = (
    "Kowalska",
    "Oliveira",
    "Tanaka",
    "Öztürk",
    "Rossi",
    "Wang",
    "Diallo",
    "Berg",
    "Dubois",
    "García",
    "Nair",
    "Nowak",
    "Silva",
    "Mensah",
    "Sato",
    "López",
    "Demir",
    "Novák",
    "Haddad",
    "Larsen",
    "Li",
    "Costa",
    "Müller",
    "Hassan",
    "Martin",
    "Petrov",
)
TEACHING_WORDS = (
    "phrasal verbs with 'get'",
    "linking words for opinions",
    "question tags",
    "stress in three-syllable words",
    "polite requests",
    "collocations with 'make' and 'do'",
    "small talk openers",
    "numbers and dates",
)


@dataclass
class Manifest:
    """What a benchmark needs to know about a generated store."""

    sessions: int
    seed: int
    generator_version: int
    now: str
    tutors: int = 0
    students: int = 0
    feedback: int = 0
    plan_changes: int = 0
    admin: str = ADMIN
    pending_tutor: str = ""
    shown_session: str = ""
    # Pending sessions a benchmark may give feedback on: session, tutor, goal.
    give: list[tuple[str, str, str]] = field(default_factory=list)
    # BACKFILL_TUTOR's sessions awaiting feedback: session, goal.
    backfill: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> bytes:
        return orjson.dumps(asdict(self), option=orjson.OPT_INDENT_2)

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = orjson.loads(raw)
        data["give"] = [tuple(item) for item in data["give"]]
        data["backfill"] = [tuple(item) for item in data["backfill"]]
        return cls(**data)


@dataclass
class PlanHistory:
    """A student's plan: goals set before their first session, maybe one swap later."""

    first: list[str]
    changed_at: datetime | None = None
    then: list[str] = field(default_factory=list)

    def at(self, moment: datetime) -> list[str]:
        if self.changed_at is not None and moment >= self.changed_at:
            return self.then
        return self.first


@dataclass
class Learner:
    """A student's running state while sessions are walked oldest first."""

    levels: dict[str, int]
    since_doing_great: int = 0
    due_doing_great: int = 7


def store_name(sessions: int, seed: int = SEED, backfill: int = 0) -> str:
    extra = f"+b{backfill}" if backfill else ""
    return f"n{sessions}{extra}-seed{seed}-g{GENERATOR_VERSION}-s{SCHEMA_VERSION}"


def made_name(name: str, backend: str) -> str:
    """A cached store's name for ``backend``: a database's names its schema version."""
    if backend == "json":
        return name
    from fbcli.store.sql.compiled import SCHEMA_VERSION as DATABASE_VERSION

    return f"{name}-d{DATABASE_VERSION}"


@dataclass
class School:
    """Every record of a generated store, in the order the store is given them."""

    tutors: list[Tutor]
    students: list[Student]
    sessions: list[Session]
    plan_changes: list[PlanChange]
    feedback: list[Feedback]
    manifest: Manifest


@dataclass
class Made:
    """How long a cached store took to make, kept beside it."""

    backend: str
    build_seconds: float
    write_seconds: float
    made_at: str
    # The peak resident set of the process that made it, so far (MB).
    peak_mb: float = 0.0

    def to_json(self) -> bytes:
        return orjson.dumps(asdict(self), option=orjson.OPT_INDENT_2)

    @classmethod
    def from_json(cls, raw: bytes) -> Made:
        return cls(**orjson.loads(raw))


def cached_store(
    sessions: int, seed: int = SEED, backfill: int = 0, stores: Path = STORES
) -> tuple[Path, Manifest]:
    """The JSON store of ``sessions`` sessions in ``stores``, generated if missing."""
    name = store_name(sessions, seed, backfill)
    path = stores / f"{name}.json"
    if path.is_file() and manifest_path(stores, name).is_file():
        return path, read_manifest(stores, name)
    stores.mkdir(parents=True, exist_ok=True)
    temp = stores / f".{name}.{os.getpid()}.json"
    temp.unlink(missing_ok=True)
    built = timed_build(sessions, seed, backfill)
    started = time.perf_counter()
    write(str(temp), built.school)
    keep(stores, name, "json", built, time.perf_counter() - started)
    temp.replace(path)
    for leftover in stores.glob(f".{name}.{os.getpid()}.json*"):
        leftover.unlink()
    return path, built.school.manifest


def cached_sqlite(
    sessions: int, seed: int = SEED, backfill: int = 0, stores: Path = STORES
) -> tuple[str, Manifest]:
    """A SQLite store (its sqlite:/// URL) in ``stores``, generated if missing."""
    name = store_name(sessions, seed, backfill)
    path = sqlite_path(stores, name)
    if path.is_file() and manifest_path(stores, name).is_file():
        return sqlite_url(path), read_manifest(stores, name)
    stores.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{name}.{os.getpid()}.db")
    for leftover in stores.glob(f"{temp.name}*"):
        leftover.unlink()
    built = timed_build(sessions, seed, backfill)
    started = time.perf_counter()
    write(sqlite_url(temp), built.school)
    keep(stores, name, "sqlite", built, time.perf_counter() - started)
    temp.replace(path)
    for leftover in stores.glob(f"{temp.name}*"):
        leftover.unlink()
    return sqlite_url(path), built.school.manifest


def cached_postgresql(
    server: str,
    sessions: int,
    seed: int = SEED,
    backfill: int = 0,
    stores: Path = STORES,
) -> tuple[str, Manifest]:
    """A store in a schema of its own on ``server`` (its URL), generated if missing.

    The schema's comment names the store it holds (``made_name``: size, seed,
    generator and schema versions), so a schema of an older generator or
    schema version is rebuilt. A new one is written under another name and renamed in place.
    """
    import psycopg

    name = store_name(sessions, seed, backfill)
    schema = schema_name(sessions, seed, backfill)
    marker = made_name(name, "postgresql")
    if pg_marker(server, schema) == marker and manifest_path(stores, name).is_file():
        return schema_url(server, schema), read_manifest(stores, name)
    stores.mkdir(parents=True, exist_ok=True)
    building = f"{schema}_new"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {building} CASCADE")
        connection.execute(f"CREATE SCHEMA {building}")
    built = timed_build(sessions, seed, backfill)
    started = time.perf_counter()
    write(schema_url(server, building), built.school)
    with psycopg.connect(server) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.execute(f"ALTER SCHEMA {building} RENAME TO {schema}")
        connection.execute(f"COMMENT ON SCHEMA {schema} IS '{marker}'")
    analyze(server, schema)
    keep(stores, name, "postgresql", built, time.perf_counter() - started)
    return schema_url(server, schema), built.school.manifest


def made(
    stores: Path, sessions: int, backend: str, backfill: int = 0, seed: int = SEED
) -> Made | None:
    """How long the cached store took to make, if it says."""
    name = made_name(store_name(sessions, seed, backfill), backend)
    path = stores / f"{name}.{backend}.made.json"
    return Made.from_json(path.read_bytes()) if path.is_file() else None


def manifest_path(stores: Path, name: str) -> Path:
    return stores / f"{name}.manifest.json"


def read_manifest(stores: Path, name: str) -> Manifest:
    return Manifest.from_json(manifest_path(stores, name).read_bytes())


@dataclass
class Built:
    school: School
    seconds: float


def timed_build(sessions: int, seed: int, backfill: int) -> Built:
    started = time.perf_counter()
    school = build(sessions, seed, backfill)
    return Built(school, time.perf_counter() - started)


def keep(stores: Path, name: str, backend: str, built: Built, written: float) -> None:
    """Keep the manifest (the same for every backend) and how long this one took."""
    manifest_path(stores, name).write_bytes(built.school.manifest.to_json())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    record = Made(
        backend,
        round(built.seconds, 2),
        round(written, 2),
        format_time(datetime.now(UTC)),
        round(peak),
    )
    (stores / f"{made_name(name, backend)}.{backend}.made.json").write_bytes(
        record.to_json()
    )


def sqlite_path(stores: Path, name: str) -> Path:
    return (stores / f"{made_name(name, 'sqlite')}.db").resolve()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def schema_name(sessions: int, seed: int = SEED, backfill: int = 0) -> str:
    extra = f"_b{backfill}" if backfill else ""
    other = f"_seed{seed}" if seed != SEED else ""
    return f"fbcli_bench_{sessions}{extra}{other}"


def schema_url(server: str, schema: str) -> str:
    separator = "&" if "?" in server else "?"
    return f"{server}{separator}options=-csearch_path%3D{schema}"


def pg_marker(server: str, schema: str) -> str | None:
    """The comment on ``schema`` (the store it holds), or None without one."""
    import psycopg

    with psycopg.connect(server) as connection:
        row = connection.execute(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace "
            "WHERE nspname = %s",
            (schema,),
        ).fetchone()
    return None if row is None else row[0]


def pg_tables(connection: Any, schema: str) -> list[str]:
    rows = connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename",
        (schema,),
    ).fetchall()
    return [row[0] for row in rows]


def analyze(server: str, schema: str) -> None:
    """Gather the planner's statistics, as autovacuum would after a bulk load."""
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        for table in pg_tables(connection, schema):
            connection.execute(f"ANALYZE {schema}.{table}")


def pg_size(server: str, schema: str) -> int:
    """Bytes of every table in ``schema``, indexes and TOAST included."""
    import psycopg

    with psycopg.connect(server) as connection:
        row = connection.execute(
            "SELECT coalesce(sum(pg_total_relation_size(format('%%I.%%I', "
            "schemaname, tablename)::regclass)), 0) FROM pg_tables "
            "WHERE schemaname = %s",
            (schema,),
        ).fetchone()
    return int(row[0]) if row else 0


def copy_schema(server: str, source: str, target: str) -> str:
    """A copy of the store in ``source`` as ``target`` (replaced); its URL.

    fbcli makes the empty tables, so the copy has its indexes and constraints;
    the rows then go across inside the server, numbering included.
    """
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {target} CASCADE")
        connection.execute(f"CREATE SCHEMA {target}")
    url = schema_url(server, target)
    with open_store(url, create=True):
        pass
    with psycopg.connect(server) as connection:
        for table in ("tutors", "students", "sessions", "feedback", "plan_changes"):
            rows = connection.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
                (source, table),
            ).fetchall()
            columns = ", ".join(f'"{row[0]}"' for row in rows)
            connection.execute(
                f"INSERT INTO {target}.{table} ({columns}) OVERRIDING SYSTEM VALUE "
                f"SELECT {columns} FROM {source}.{table}"
            )
            connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{target}.{table}', 'seq'), "
                f"coalesce((SELECT max(seq) FROM {target}.{table}), 0) + 1, false)"
            )
    analyze(server, target)
    return url


def drop_schema(server: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def generate(
    path: Path, sessions: int, seed: int = SEED, backfill: int = 0
) -> Manifest:
    """Write a new store of ``sessions`` sessions at ``path``; say what is in it."""
    school = build(sessions, seed, backfill)
    write(str(path), school)
    return school.manifest


def write(location: str, school: School, block: int = BLOCK) -> None:
    """Write ``school`` into a new store at ``location`` (a path or a database URL).

    A database store of more than ``block`` sessions is written in several
    transactions, ``block`` sessions with their feedback at a time, so that
    the rows waiting for a commit stay few.
    """
    if "://" not in location or len(school.sessions) <= block:
        with open_store(location, create=True) as store:
            store.put_tutors(school.tutors)
            store.put_students(school.students)
            store.put_sessions(school.sessions)
            store.add_plan_changes(school.plan_changes)
            store.add_feedback(school.feedback)
        return
    with open_store(location, create=True) as store:
        store.put_tutors(school.tutors)
        store.put_students(school.students)
        store.add_plan_changes(school.plan_changes)
    place = {session.id: i // block for i, session in enumerate(school.sessions)}
    given: dict[int, list[Feedback]] = {}
    for item in school.feedback:
        given.setdefault(place[item.session], []).append(item)
    for number, start in enumerate(range(0, len(school.sessions), block)):
        with open_store(location, write=True) as store:
            store.put_sessions(school.sessions[start : start + block])
            store.add_feedback(given.get(number, []))


def build(sessions: int, seed: int = SEED, backfill: int = 0) -> School:
    """Every record of a store of ``sessions`` sessions, and what is in it."""
    rnd = random.Random(seed)
    goals = school.goals()
    rubric = school.rubric()
    goal_ids = list(goals)
    span = timedelta(days=max(28, sessions // 500))

    tutors = [
        Tutor(f"t{i:03d}", person_name(rnd), f"t{i:03d}@fluentify.com")
        for i in range(1, TUTORS + 1)
    ]
    tutors.append(Tutor(ADMIN, "School Admin", "admin@fluentify.com", "admin"))
    students = [
        Student(
            f"ST-{10001 + i}",
            person_name(rnd),
            {p: rnd.randint(3, 7) for p in rubric.parameters},
        )
        for i in range(STUDENTS)
    ]
    teachers = {
        s.id: [t.id for t in rnd.sample(tutors[:TUTORS], rnd.randint(1, 3))]
        for s in students
    }
    plans, changes = study_plans(rnd, students, teachers, goal_ids, span)

    lessons = schedule(rnd, sessions, students, teachers, span)
    feedback = give_feedback(rnd, lessons, students, plans, goals, sessions)
    backlog = backlog_of(rnd, backfill, students, span)
    if backlog:
        tutors.append(Tutor(BACKFILL_TUTOR, "Backfill Tutor", "backfill@fluentify.com"))

    manifest = Manifest(
        sessions=len(lessons) + len(backlog),
        seed=seed,
        generator_version=GENERATOR_VERSION,
        now=format_time(NOW),
        tutors=len(tutors),
        students=len(students),
        feedback=len(feedback),
        plan_changes=len(changes),
    )
    describe_for_benchmarks(rnd, manifest, lessons, feedback, plans)
    manifest.backfill = [(s.id, plans[s.student].at(NOW)[0]) for s in backlog]
    return School(tutors, students, lessons + backlog, changes, feedback, manifest)


def person_name(rnd: random.Random) -> str:
    return f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}"


def study_plans(
    rnd: random.Random,
    students: list[Student],
    teachers: dict[str, list[str]],
    goal_ids: list[str],
    span: timedelta,
) -> tuple[dict[str, PlanHistory], list[PlanChange]]:
    """Every student's plan, and the plan changes that record it."""
    plans: dict[str, PlanHistory] = {}
    changes: list[PlanChange] = []
    set_at = NOW - span - timedelta(days=7)
    for student in students:
        by = teachers[student.id][0]
        first = rnd.sample(goal_ids, rnd.randint(2, 3))
        plan = PlanHistory(first)
        changes += [PlanChange(student.id, g, "add", set_at, by) for g in first]
        if rnd.random() < 0.2:
            offset = rnd.randrange(int((span - timedelta(days=5)).total_seconds()))
            plan.changed_at = set_at + timedelta(days=7, seconds=offset)
            dropped = rnd.choice(first)
            added = rnd.choice([g for g in goal_ids if g not in first])
            plan.then = [g for g in first if g != dropped] + [added]
            changes.append(
                PlanChange(student.id, dropped, "remove", plan.changed_at, by)
            )
            changes.append(PlanChange(student.id, added, "add", plan.changed_at, by))
        plans[student.id] = plan
    return plans, changes


def schedule(
    rnd: random.Random,
    sessions: int,
    students: list[Student],
    teachers: dict[str, list[str]],
    span: timedelta,
) -> list[Session]:
    """Sessions on half-hour slots over ``span`` before NOW and two days after."""
    first_slot = -int(span.total_seconds()) // 1800
    last_slot = UPCOMING_DAYS * 48
    drawn = []
    for _ in range(sessions):
        student = rnd.choice(students).id
        tutor = rnd.choice(teachers[student])
        start = NOW + timedelta(minutes=30 * rnd.randrange(first_slot, last_slot))
        minutes = 60 if rnd.random() < 0.1 else 30
        drawn.append((start, student, tutor, minutes))
    drawn.sort(key=lambda item: item[0])
    return [
        Session(f"S-{100001 + i}", tutor, student, start, minutes)
        for i, (start, student, tutor, minutes) in enumerate(drawn)
    ]


def backlog_of(
    rnd: random.Random, backfill: int, students: list[Student], span: timedelta
) -> list[Session]:
    """BACKFILL_TUTOR's ended sessions, all awaiting feedback, after any plan change."""
    latest_change = int((span - timedelta(days=5)).total_seconds())
    first = NOW - span + timedelta(seconds=latest_change)
    slots = int((NOW - first).total_seconds()) // 1800 - 2
    return [
        Session(
            f"S-B{i + 1:05d}",
            BACKFILL_TUTOR,
            rnd.choice(students).id,
            first + timedelta(minutes=30 * rnd.randrange(slots)),
        )
        for i in range(backfill)
    ]


def give_feedback(
    rnd: random.Random,
    lessons: list[Session],
    students: list[Student],
    plans: dict[str, PlanHistory],
    goals: dict[str, Goal],
    sessions: int,
) -> list[Feedback]:
    """Feedback on about FEEDBACK_PER_SESSION of the sessions, oldest first."""
    recent = [s for s in lessons if NOW - timedelta(hours=48) < s.end <= NOW]
    older = sum(1 for s in lessons if s.end <= NOW - timedelta(hours=48))
    versions_per_given = 1 + (1 - NOT_COMPLETED_SHARE) * AMENDED_SHARE
    wanted = sessions * FEEDBACK_PER_SESSION / versions_per_given
    older_share = min(1.0, (wanted - RECENT_GIVEN_SHARE * len(recent)) / max(older, 1))

    learners = {s.id: Learner(dict(s.levels)) for s in students}
    feedback: list[Feedback] = []
    for session in lessons:
        if session.end > NOW:
            continue
        is_recent = session.end > NOW - timedelta(hours=48)
        share = RECENT_GIVEN_SHARE if is_recent else older_share
        if rnd.random() >= share:
            continue
        given_at = session.end + min(
            timedelta(hours=rnd.expovariate(1 / 14)), (NOW - session.end) * rnd.random()
        )
        if rnd.random() < NOT_COMPLETED_SHARE:
            feedback.append(not_completed(rnd, session, given_at))
            continue
        learner = learners[session.student]
        first = completed(rnd, session, given_at, learner, plans, goals)
        feedback.append(first)
        if rnd.random() < AMENDED_SHARE:
            amended_at = given_at + (NOW - given_at) * rnd.random()
            feedback.append(amend(first, amended_at))
    return feedback


def not_completed(rnd: random.Random, session: Session, at: datetime) -> Feedback:
    reason = rnd.choices(list(REASON_WEIGHTS), list(REASON_WEIGHTS.values()))[0]
    return Feedback(
        session=session.id,
        tutor=session.tutor,
        given_at=at,
        completed=False,
        reason=reason,
        student_missed=reason == "student-absent",
        tech_issues=reason in ("student-tech", "server-down"),
        note="Waited the whole session." if reason == "student-absent" else "",
    )


def completed(
    rnd: random.Random,
    session: Session,
    at: datetime,
    learner: Learner,
    plans: dict[str, PlanHistory],
    goals: dict[str, Goal],
) -> Feedback:
    for parameter, level in learner.levels.items():
        move = rnd.choices((1, 0, -1), (15, 75, 10))[0]
        learner.levels[parameter] = min(10, max(1, level + move))
    plan = plans[session.student].at(session.start)
    goal = rnd.choice(plan) if rnd.random() < 0.9 else rnd.choice(list(goals))
    learner.since_doing_great += 1
    doing_great = None
    if learner.since_doing_great >= learner.due_doing_great:
        doing_great = goals[rnd.choice(plan)].area
        learner.since_doing_great = 0
        learner.due_doing_great = rnd.randint(5, 10)
    tech_issues = rnd.random() < 0.05
    return Feedback(
        session=session.id,
        tutor=session.tutor,
        given_at=at,
        completed=True,
        tech_issues=tech_issues,
        note="Audio dropped twice." if tech_issues else "",
        platform=rnd.choice(PLATFORMS),
        evaluation=dict(learner.levels),
        great_work=rnd.random() < 0.15,
        goal=goal,
        doing_great=doing_great,
        focus=goals[goal].title[:20].rstrip(),
        language_seen=f"We practised {rnd.choice(TEACHING_WORDS)}.",
        follow_up=f"Next time: more {rnd.choice(TEACHING_WORDS)}.",
        comments="" if rnd.random() < 0.7 else "Good energy today.",
    )


def amend(first: Feedback, at: datetime) -> Feedback:
    return replace(
        first, version=2, given_at=at, comments="Amended: corrected the focus."
    )


def describe_for_benchmarks(
    rnd: random.Random,
    manifest: Manifest,
    lessons: list[Session],
    feedback: list[Feedback],
    plans: dict[str, PlanHistory],
) -> None:
    """Pick the sessions and tutors the benchmark cases act on."""
    given = {f.session for f in feedback}
    amended = [f.session for f in feedback if f.version > 1]
    pending = [s for s in lessons if s.end <= NOW and s.id not in given]
    per_tutor: dict[str, int] = {}
    for session in pending:
        per_tutor[session.tutor] = per_tutor.get(session.tutor, 0) + 1
    # A tutor with a typical backlog: the median of those who have one.
    ranked = sorted(per_tutor, key=lambda t: (per_tutor[t], t))
    manifest.pending_tutor = ranked[len(ranked) // 2]
    manifest.shown_session = amended[len(amended) // 2] if amended else lessons[0].id
    give = [
        (s.id, s.tutor, plans[s.student].at(s.start)[0])
        for s in pending
        if plans[s.student].at(s.start) == plans[s.student].at(NOW)
    ]
    rnd.shuffle(give)
    manifest.give = give


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate")
    parser.add_argument("sessions", type=int)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--backfill", type=int, default=0)
    parser.add_argument(
        "--backend", choices=BACKENDS, default="json", help="the kind of store"
    )
    parser.add_argument(
        "--server", default=PG_SERVER, help="the PostgreSQL server (postgresql)"
    )
    parser.add_argument("--stores", type=Path, default=STORES, help="the cache")
    parser.add_argument(
        "--out", type=Path, help="write a JSON store here instead of the cache"
    )
    options = parser.parse_args(argv)
    where: object
    if options.out is not None:
        manifest = generate(
            options.out, options.sessions, options.seed, options.backfill
        )
        where = options.out
    else:
        where, manifest = cached(
            options.backend,
            options.sessions,
            seed=options.seed,
            backfill=options.backfill,
            stores=options.stores,
            server=options.server,
        )
    sys.stdout.write(
        f"{where}: {manifest.sessions} sessions, {manifest.feedback} feedback, "
        f"{manifest.plan_changes} plan changes, {manifest.students} students, "
        f"{manifest.tutors} tutors\n"
    )
    return 0


def cached(
    backend: str,
    sessions: int,
    *,
    seed: int = SEED,
    backfill: int = 0,
    stores: Path = STORES,
    server: str = PG_SERVER,
) -> tuple[str, Manifest]:
    """The cached store of one backend (its location), generated if missing."""
    if backend == "json":
        path, manifest = cached_store(sessions, seed, backfill, stores)
        return str(path), manifest
    if backend == "sqlite":
        return cached_sqlite(sessions, seed, backfill, stores)
    return cached_postgresql(server, sessions, seed, backfill, stores)


def is_cached(
    backend: str,
    sessions: int,
    *,
    seed: int = SEED,
    backfill: int = 0,
    stores: Path = STORES,
    server: str = PG_SERVER,
) -> bool:
    name = store_name(sessions, seed, backfill)
    if not manifest_path(stores, name).is_file():
        return False
    if backend == "json":
        return (stores / f"{name}.json").is_file()
    if backend == "sqlite":
        return sqlite_path(stores, name).is_file()
    marker = made_name(name, "postgresql")
    return pg_marker(server, schema_name(sessions, seed, backfill)) == marker


if __name__ == "__main__":
    sys.exit(main())
