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

Run ``python -m bench.generate N [--backfill R] [--out PATH]`` to write one;
the runner keeps generated stores under ``bench/stores/``, keyed by N, R, seed
and ``GENERATOR_VERSION``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


def cached_store(
    sessions: int, seed: int = SEED, backfill: int = 0, stores: Path = STORES
) -> tuple[Path, Manifest]:
    """The store of ``sessions`` sessions in ``stores``, generated if missing."""
    name = store_name(sessions, seed, backfill)
    path = stores / f"{name}.json"
    manifest_path = stores / f"{name}.manifest.json"
    if path.is_file() and manifest_path.is_file():
        return path, Manifest.from_json(manifest_path.read_bytes())
    stores.mkdir(parents=True, exist_ok=True)
    temp = stores / f".{name}.{os.getpid()}.json"
    temp.unlink(missing_ok=True)
    manifest = generate(temp, sessions, seed, backfill)
    manifest_path.write_bytes(manifest.to_json())
    temp.replace(path)
    for leftover in stores.glob(f".{name}.{os.getpid()}.json*"):
        leftover.unlink()
    return path, manifest


def generate(
    path: Path, sessions: int, seed: int = SEED, backfill: int = 0
) -> Manifest:
    """Write a new store of ``sessions`` sessions at ``path``; say what is in it."""
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

    with open_store(str(path), create=True) as store:
        store.put_tutors(tutors)
        store.put_students(students)
        store.put_sessions(lessons + backlog)
        store.add_plan_changes(changes)
        store.add_feedback(feedback)

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
    return manifest


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
    parser.add_argument("--out", type=Path, help="write here instead of the cache")
    options = parser.parse_args(argv)
    if options.out is None:
        path, manifest = cached_store(options.sessions, options.seed, options.backfill)
    else:
        manifest = generate(
            options.out, options.sessions, options.seed, options.backfill
        )
        path = options.out
    sys.stdout.write(
        f"{path}: {manifest.sessions} sessions, {manifest.feedback} feedback, "
        f"{manifest.plan_changes} plan changes, {manifest.students} students, "
        f"{manifest.tutors} tutors\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
