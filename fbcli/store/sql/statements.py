"""Every statement the database store runs, in SQLAlchemy Core, by name.

``statements(dialect)`` builds them for SQLite or PostgreSQL; ``build``
compiles them to the SQL text that ``compiled`` keeps, which is what a
command runs. Parameters are named; a list of ids is passed as one JSON
array (``ids``), which each database reads as a table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Executable,
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    case,
    cast,
    column,
    func,
    null,
    or_,
    select,
    table,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable, DropTable
from sqlalchemy.sql.expression import Subquery

from fbcli.rules.model import Feedback, PlanChange, Session, Student, Tutor
from fbcli.store.sql.schema import (
    FEEDBACK_BEFORE_STEP_4,
    RECORD_TABLES,
    STEP_4_DROPPED_INDEX,
    STEP_4_INDEX,
    STEP_4_INDEXES,
    feedback,
    meta,
    plan_changes,
    sessions,
    students,
    tutors,
)

DIALECTS = ("sqlite", "postgresql")


def fields_of(table: Table, record: type) -> tuple[Any, ...]:
    """The table's columns for a record class's fields, in the class's order.

    Rows come back in this order and are read positionally (``store.py``).
    """
    return tuple(table.c[field.name] for field in dataclasses.fields(record))


SESSION_FIELDS = fields_of(sessions, Session)
FEEDBACK_FIELDS = fields_of(feedback, Feedback)
TUTOR_FIELDS = fields_of(tutors, Tutor)
STUDENT_FIELDS = fields_of(students, Student)
PLAN_FIELDS = fields_of(plan_changes, PlanChange)


def id_list(dialect: str, name: str = "ids") -> Any:
    """The ids of a JSON array parameter, as a column to select from."""
    if dialect == "sqlite":
        table = func.json_each(bindparam(name, type_=String)).table_valued("value")
    else:
        table = func.jsonb_array_elements_text(
            cast(bindparam(name, type_=String), postgresql.JSONB)
        ).table_valued("value")
    return table.c.value


def ended() -> ColumnElement[bool]:
    return sessions.c.start + sessions.c.minutes * 60 <= bindparam(
        "now", type_=BigInteger
    )


def in_period() -> ColumnElement[bool]:
    return and_(
        sessions.c.start >= bindparam("first", type_=BigInteger),
        sessions.c.start < bindparam("end", type_=BigInteger),
    )


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _upsert(dialect: str, table: Table, fields: tuple[str, ...]) -> Any:
    module = sqlite if dialect == "sqlite" else postgresql
    statement = (
        module.insert(table).values({name: bindparam(name) for name in fields}).inline()
    )
    return statement.on_conflict_do_update(
        index_elements=["id"],
        set_={name: statement.excluded[name] for name in fields if name != "id"},
    )


def _latest_version(
    session: ColumnElement[str], student: ColumnElement[str] | None = None
) -> Select[tuple[int]]:
    inner = feedback.alias("other")
    where = [inner.c.session == session]
    if student is not None:
        where.insert(0, inner.c.student == student)
    return (
        select(func.max(inner.c.version)).where(*where).scalar_subquery()  # type: ignore[return-value]
    )


def _move_feedback(chosen: ColumnElement[bool] | None) -> Executable:
    """Give the chosen feedback rows (None: all) their session's student."""
    where = [] if chosen is None else [chosen]
    return (
        update(feedback)
        .where(
            *where,
            sessions.c.id == feedback.c.session,
            feedback.c.student != sessions.c.student,
        )
        .values(student=sessions.c.student)
    )


def _refresh_feedback(
    chosen: ColumnElement[bool] | None, *, keyed: bool = True
) -> Executable:
    """Copy onto sessions their latest feedback, and when it was first given.

    ``chosen`` picks the feedback rows (by session) to look at; None takes
    every session's, after a bulk load. Each session's feedback is found by
    its key, the session's student and id; ``keyed=False`` finds it by session
    alone, as schema step 2 did, before feedback had its student.
    """
    first = feedback.alias("first")
    where = [] if chosen is None else [chosen]
    keys = ("student", "session") if keyed else ("session",)
    student = feedback.c.student if keyed else None
    latest = (
        select(
            *(feedback.c[key] for key in keys),
            feedback.c.version,
            feedback.c.completed,
            feedback.c.reason,
            feedback.c.tech_issues,
            feedback.c.platform,
            feedback.c.great_work,
            func.nullif(feedback.c.doing_great, "").label("doing_great"),
        )
        .where(
            *where,
            feedback.c.version == _latest_version(feedback.c.session, student),
        )
        .subquery("latest")
    )
    firsts = (
        select(
            *(feedback.c[key] for key in keys),
            func.min(feedback.c.version).label("version"),
            func.count().label("versions"),
        )
        .where(*where)
        .group_by(*(feedback.c[key] for key in keys))
        .subquery("firsts")
    )
    given = (
        select(*(first.c[key] for key in keys), first.c.given_at, firsts.c.versions)
        .join(
            firsts,
            and_(
                *(firsts.c[key] == first.c[key] for key in keys),
                firsts.c.version == first.c.version,
            ),
        )
        .subquery("given")
    )
    matched = [sessions.c.id == latest.c.session, sessions.c.id == given.c.session]
    if keyed:
        matched += [
            sessions.c.student == latest.c.student,
            sessions.c.student == given.c.student,
        ]
    return (
        update(sessions)
        .where(*matched)
        .values(
            fb_version=latest.c.version,
            fb_count=given.c.versions,
            fb_first_given=given.c.given_at,
            fb_delay=given.c.given_at - (sessions.c.start + sessions.c.minutes * 60),
            fb_completed=latest.c.completed,
            fb_reason=latest.c.reason,
            fb_tech_issues=latest.c.tech_issues,
            fb_platform=latest.c.platform,
            fb_great_work=latest.c.great_work,
            fb_doing_great=latest.c.doing_great,
        )
    )


def _runs(student_filter: ColumnElement[bool] | None) -> Subquery:
    """The completed sessions whose place in the student's run since their last
    award is not the one stored: their id, run and awards before.

    Everything here is in the ``sessions_awards`` index, so only the sessions
    that change are read from the table.
    """
    awarded = case((sessions.c.fb_doing_great.is_not(None), 1), else_=0)
    before = func.coalesce(
        func.sum(awarded).over(
            partition_by=sessions.c.student,
            order_by=(sessions.c.start, sessions.c.id),
            rows=(None, -1),
        ),
        0,
    )
    counted = select(
        sessions.c.id,
        sessions.c.student,
        sessions.c.start,
        sessions.c.award_run,
        sessions.c.awards_before,
        before.label("before"),
    ).where(sessions.c.fb_completed.is_(True))
    if student_filter is not None:
        counted = counted.where(student_filter)
    numbered = counted.subquery("counted")
    placed = select(
        numbered.c.id,
        numbered.c.award_run,
        numbered.c.awards_before,
        numbered.c.before,
        func.row_number()
        .over(
            partition_by=(numbered.c.student, numbered.c.before),
            order_by=(numbered.c.start, numbered.c.id),
        )
        .label("run"),
    ).subquery("placed")
    return (
        select(placed.c.id, placed.c.run, placed.c.before)
        .where(
            or_(
                placed.c.award_run.is_distinct_from(placed.c.run),
                placed.c.awards_before.is_distinct_from(placed.c.before),
            )
        )
        .subquery("runs")
    )


def _rewrite_runs(chosen: ColumnElement[bool] | None) -> list[Executable]:
    """Rewrite the runs of the chosen students (None: all), touching only rows that change.

    A new feedback moves one session at most, and most saves change no run:
    rows whose values stay are not written, nor their index entries.
    """
    runs = _runs(chosen)
    where = [] if chosen is None else [chosen]
    return [
        update(sessions)
        .where(
            *where,
            sessions.c.award_run.is_not(None),
            sessions.c.fb_completed.is_not(True),
        )
        .values(award_run=null(), awards_before=null()),
        update(sessions)
        .where(sessions.c.id == runs.c.id)
        .values(award_run=runs.c.run, awards_before=runs.c.before),
    ]


def _stats(dialect: str) -> dict[str, Executable]:
    """What ``fbcli stats`` counts per tutor, grouped by the database."""
    due = sessions.c.start + bindparam("due_after", type_=BigInteger)
    given = sessions.c.fb_version.is_not(None)
    taught = and_(in_period(), ended())
    outcomes = (
        select(
            sessions.c.tutor,
            func.count().label("taught"),
            count_if(~given).label("pending"),
            count_if(and_(~given, due <= bindparam("now", type_=BigInteger))).label(
                "pending_overdue"
            ),
            count_if(given).label("given"),
            count_if(sessions.c.fb_first_given > due).label("late"),
            count_if(sessions.c.fb_completed.is_(True)).label("completed"),
            count_if(
                and_(
                    sessions.c.fb_completed.is_(True),
                    sessions.c.fb_great_work.is_(True),
                )
            ).label("great_work"),
            count_if(sessions.c.fb_tech_issues.is_(True)).label("tech_issues"),
        )
        .where(taught)
        .group_by(sessions.c.tutor)
    )
    reasons = (
        select(sessions.c.tutor, sessions.c.fb_reason, func.count().label("sessions"))
        .where(sessions.c.fb_completed.is_(False), taught)
        .group_by(sessions.c.tutor, sessions.c.fb_reason)
    )
    platforms = (
        select(
            sessions.c.tutor,
            sessions.c.fb_platform,
            func.count().label("sessions"),
            count_if(sessions.c.fb_tech_issues.is_(True)).label("tech_issues"),
            func.min(sessions.c.start).label("first_seen"),
        )
        .where(taught, given)
        .group_by(sessions.c.tutor, sessions.c.fb_platform)
    )
    # The first of one tutor's counted sessions at one start, on one platform.
    first_of_tutor = select(func.min(sessions.c.id)).where(
        taught,
        given,
        sessions.c.tutor == bindparam("tutor", type_=String),
        sessions.c.start == bindparam("start", type_=BigInteger),
    )
    # One tutor's median: the middle one or two of their delays, in order.
    # SQLite's planner, given statistics, prefers the tutor's sessions by
    # start and sorts them; tested on start + 0, which no index holds, it
    # walks the tutor's delays in order instead (PostgreSQL does unasked).
    start = sessions.c.start + 0 if dialect == "sqlite" else sessions.c.start
    median = (
        select(sessions.c.fb_delay)
        .where(
            sessions.c.tutor == bindparam("tutor", type_=String),
            sessions.c.fb_delay.is_not(None),
            start >= bindparam("first", type_=BigInteger),
            start < bindparam("end", type_=BigInteger),
            start + sessions.c.minutes * 60 <= bindparam("now", type_=BigInteger),
        )
        .order_by(sessions.c.fb_delay)
        .limit(bindparam("count", type_=Integer))
        .offset(bindparam("skip", type_=Integer))
    )
    gaps = (
        select(
            sessions.c.tutor,
            sessions.c.award_run.label("gap"),
            func.count().label("awards"),
        )
        .where(
            sessions.c.fb_doing_great.is_not(None),
            sessions.c.fb_completed.is_(True),
            in_period(),
        )
        .group_by(sessions.c.tutor, sessions.c.award_run)
    )
    return {
        "stats_outcomes": outcomes,
        "stats_reasons": reasons,
        "stats_platforms": platforms,
        "stats_first_of_tutor": first_of_tutor.where(
            sessions.c.fb_platform == bindparam("platform", type_=String)
        ),
        "stats_first_of_tutor_unnamed": first_of_tutor.where(
            sessions.c.fb_platform.is_(None)
        ),
        "stats_median": median,
        "stats_gaps": gaps,
        "stats_open_runs": _open_runs(),
    }


def _open_runs() -> Executable:
    """Tutors who taught in a student's run of completed sessions without an award.

    The run is the one open at the end of the period, as long as it has
    reached ``overdue`` sessions; only sessions in the period count.
    """
    last = sessions.alias("last")

    def last_completed(value: ColumnElement[int]) -> ColumnElement[int]:
        return (
            select(value)
            .where(
                last.c.student == students.c.id,
                last.c.fb_completed.is_(True),
                last.c.start < bindparam("end", type_=BigInteger),
            )
            .order_by(last.c.start.desc(), last.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    open_run = case((last.c.fb_doing_great.is_(None), last.c.award_run), else_=0)
    every_run = select(
        students.c.id.label("student"),
        last_completed(open_run).label("run"),
        last_completed(last.c.awards_before).label("before"),
    ).subquery("every_run")
    # Worked out once per student, before any session is joined to it.
    runs = (
        select(every_run)
        .where(every_run.c.run >= bindparam("overdue", type_=Integer))
        .cte("open_runs")
        .prefix_with("MATERIALIZED")
    )
    return (
        select(
            sessions.c.tutor,
            runs.c.run,
            func.count(sessions.c.student.distinct()).label("students"),
        )
        .join(runs, runs.c.student == sessions.c.student)
        .where(
            sessions.c.fb_completed.is_(True),
            sessions.c.fb_doing_great.is_(None),
            sessions.c.awards_before == runs.c.before,
            in_period(),
        )
        .group_by(sessions.c.tutor, runs.c.run)
    )


def statements(dialect: str) -> dict[str, Executable | list[Executable]]:
    """Every statement by name, for ``dialect`` ('sqlite' or 'postgresql')."""
    by_student = sessions.c.student == bindparam("student")
    by_tutor = sessions.c.tutor == bindparam("tutor")
    in_order = (sessions.c.start, sessions.c.id)
    latest_join = and_(
        feedback.c.student == sessions.c.student,
        feedback.c.session == sessions.c.id,
        feedback.c.version == sessions.c.fb_version,
    )
    latest_of: Callable[..., Select[tuple[object, ...]]] = lambda *where: (  # noqa: E731
        select(*FEEDBACK_FIELDS).join(sessions, latest_join).where(*where)
    )
    found: dict[str, Executable | list[Executable]] = {
        "schema_version": select(meta.c.value).where(meta.c.key == "schema_version"),
        "set_meta": _meta_upsert(dialect),
        "tutor": select(*TUTOR_FIELDS).where(tutors.c.id == bindparam("id")),
        "tutors": select(*TUTOR_FIELDS).order_by(tutors.c.seq),
        "student": select(*STUDENT_FIELDS).where(students.c.id == bindparam("id")),
        "students": select(*STUDENT_FIELDS).order_by(students.c.seq),
        "session": select(*SESSION_FIELDS).where(sessions.c.id == bindparam("id")),
        "sessions": select(*SESSION_FIELDS).order_by(*in_order),
        "sessions_of_tutor": select(*SESSION_FIELDS)
        .where(by_tutor)
        .order_by(*in_order),
        "sessions_of_student": select(*SESSION_FIELDS)
        .where(by_student)
        .order_by(*in_order),
        "sessions_of_both": select(*SESSION_FIELDS)
        .where(by_tutor, by_student)
        .order_by(*in_order),
        "session_ids": select(sessions.c.id).order_by(sessions.c.seq),
        "sessions_stored": select(*SESSION_FIELDS).order_by(sessions.c.seq),
        "feedback_stored": select(*FEEDBACK_FIELDS).order_by(feedback.c.seq),
        "plan_changes_stored": select(*PLAN_FIELDS).order_by(plan_changes.c.seq),
        "feedback_versions": select(*FEEDBACK_FIELDS)
        .where(feedback.c.session == bindparam("session"))
        .order_by(feedback.c.version),
        "latest_feedback": select(*FEEDBACK_FIELDS).where(
            feedback.c.version == _latest_version(feedback.c.session)
        ),
        "latest_feedback_of_tutor": latest_of(by_tutor),
        # Within the student's part of the feedback key, not through sessions.
        "latest_feedback_of_student": select(*FEEDBACK_FIELDS).where(
            feedback.c.student == bindparam("student"),
            feedback.c.version
            == _latest_version(feedback.c.session, feedback.c.student),
        ),
        "latest_feedback_of_both": latest_of(by_tutor, by_student),
        "first_given_all": select(sessions.c.id, sessions.c.fb_first_given).where(
            sessions.c.fb_count > 1
        ),
        "first_given_of": select(sessions.c.id, sessions.c.fb_first_given).where(
            sessions.c.fb_count > 1, sessions.c.id.in_(select(id_list(dialect)))
        ),
        "plan_changes": select(*PLAN_FIELDS).order_by(
            plan_changes.c.at, plan_changes.c.seq
        ),
        "plan_changes_of_student": select(*PLAN_FIELDS)
        .where(plan_changes.c.student == bindparam("student"))
        .order_by(plan_changes.c.at, plan_changes.c.seq),
        "students_by_session": select(sessions.c.id, sessions.c.student).where(
            sessions.c.id.in_(select(id_list(dialect)))
        ),
        "students_of_sessions": select(sessions.c.student)
        .distinct()
        .where(
            sessions.c.id.in_(select(id_list(dialect))),
            sessions.c.fb_version.is_not(None),
        ),
        "put_tutor": _upsert(dialect, tutors, ("id", "name", "email", "role")),
        "put_student": _upsert(dialect, students, ("id", "name", "levels")),
        "put_session": _upsert(
            dialect, sessions, ("id", "tutor", "student", "start", "minutes")
        ),
        "add_feedback": feedback.insert()
        .values(
            {
                # Numbered by the store, in the order feedback was given.
                "seq": bindparam("seq", type_=Integer),
                # Its session's student, found by the store.
                "student": bindparam("student", type_=String),
                **{c.name: bindparam(c.name) for c in FEEDBACK_FIELDS},
            }
        )
        .inline(),
        "next_feedback_seq": select(func.coalesce(func.max(feedback.c.seq), 0) + 1),
        # Feedback follows its session to another student (an import may move it).
        "move_feedback": _move_feedback(
            feedback.c.session.in_(select(id_list(dialect)))
        ),
        "move_every_feedback": _move_feedback(None),
        "add_plan_change": plan_changes.insert()
        .values({column.name: bindparam(column.name) for column in PLAN_FIELDS})
        .inline(),
        "refresh_sessions": _refresh_feedback(
            feedback.c.session.in_(select(id_list(dialect)))
        ),
        "refresh_runs": _rewrite_runs(sessions.c.student.in_(select(id_list(dialect)))),
        # One student's, through the student's index, which a list would not use.
        "refresh_runs_of": _rewrite_runs(
            sessions.c.student == bindparam("student", type_=String)
        ),
        "completed_badges": select(
            sessions.c.start, sessions.c.id, sessions.c.fb_great_work
        )
        .where(by_tutor, sessions.c.fb_completed.is_(True))
        .order_by(sessions.c.start.desc(), sessions.c.id.desc())
        .limit(bindparam("newest", type_=Integer)),
        "refresh_every_session": _refresh_feedback(None),
        "refresh_every_run": _rewrite_runs(None),
        "count_rows": select(
            *(
                select(func.count())
                .select_from(table)
                .scalar_subquery()
                .label(table.name)
                for table in RECORD_TABLES
            )
        ),
        # init --force and migrate --force on PostgreSQL (SQLite sets the file aside).
        "drop_tables": [DropTable(table) for table in (*reversed(RECORD_TABLES), meta)],
        # Statistics for the planner, of fbcli's own tables only.
        "analyze": [text(f"ANALYZE {table.name}") for table in RECORD_TABLES],
        # After a bulk load, outside any transaction (PostgreSQL): VACUUM also
        # marks the pages whose rows all are visible, so stats read indexes alone.
        "vacuum": [
            text(f"VACUUM ANALYZE {table.name}")
            for table in RECORD_TABLES
            if dialect == "postgresql"
        ],
        **_stats(dialect),
    }
    return found


def step_two_refresh() -> list[Executable]:
    """What schema step 2 derives for a store that holds feedback already."""
    return [_refresh_feedback(None, keyed=False), *_rewrite_runs(None)]


def step_four(dialect: str) -> list[Executable]:
    """Schema step 4: feedback stored by student, and the student's sessions
    read from their index alone (see ``schema``)."""
    names = [column.name for column in FEEDBACK_FIELDS]
    before = table(FEEDBACK_BEFORE_STEP_4, *(column(name) for name in ["seq", *names]))
    copied = (
        select(
            before.c.seq,
            func.coalesce(sessions.c.student, "").label("student"),
            *(before.c[name] for name in names),
        )
        .select_from(before.outerjoin(sessions, sessions.c.id == before.c.session))
        .order_by(text("student"), before.c.session, before.c.version)
    )
    made: list[Executable] = [
        text(f"ALTER TABLE feedback RENAME TO {FEEDBACK_BEFORE_STEP_4}"),
    ]
    if dialect == "postgresql":
        # Constraint names are the schema's on PostgreSQL: the new table's is the same.
        made.append(
            text(
                f"ALTER TABLE {FEEDBACK_BEFORE_STEP_4} "
                "DROP CONSTRAINT feedback_version_once"
            )
        )
    indexes = {str(index.name): index for index in sessions.indexes}
    return [
        *made,
        CreateTable(feedback),
        feedback.insert().from_select(["seq", "student", *names], copied),
        DropTable(before),  # type: ignore[arg-type]
        text(f"DROP INDEX {STEP_4_DROPPED_INDEX}"),
        CreateIndex(indexes[STEP_4_INDEX]),
        *(CreateIndex(index) for index in STEP_4_INDEXES),
        *(text(f"ANALYZE {name}") for name in ("sessions", "feedback")),
    ]


def _meta_upsert(dialect: str) -> Any:
    module = sqlite if dialect == "sqlite" else postgresql
    statement = (
        module.insert(meta)
        .values(key=bindparam("key"), value=bindparam("value"))
        .inline()
    )
    return statement.on_conflict_do_update(
        index_elements=["key"], set_={"value": statement.excluded.value}
    )
