"""The database schema, in SQLAlchemy Core, and the steps that build it.

A database is built by running the steps in turn: ``init`` runs them all on
an empty database, and a database made by an older fbcli runs the ones after
the version its ``fbcli_meta`` table records. Each step is one transaction.

Times are whole seconds since the epoch (UTC), so that SQLite and PostgreSQL
do the same arithmetic on them; ``saved_at`` keeps microseconds. Every table
has a ``seq`` in the order records were added, so that a store copied out
again lists them in the order it was given them.

Besides what fbcli keeps, ``sessions`` carries columns derived from it (step
2), rewritten in the same transaction that changes what they come from, so
that stats read one index per figure: the latest feedback's outcome, when
feedback was first given, and where the session stands among the student's
completed sessions since their last "doing great" award. Step 4 keeps each
student's feedback together (see ``feedback``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

ID = String(200)

metadata = MetaData()


def _seq() -> Column[int]:
    return Column("seq", Integer, Identity(), primary_key=True)


meta = Table(
    "fbcli_meta",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

tutors = Table(
    "tutors",
    metadata,
    _seq(),
    Column("id", ID, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("role", String(10), nullable=False),
)

students = Table(
    "students",
    metadata,
    _seq(),
    Column("id", ID, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    # The student's starting level in each rubric parameter, as JSON.
    Column("levels", Text, nullable=False),
)


def _session_columns() -> list[Column[Any]]:
    return [
        _seq(),
        Column("id", ID, nullable=False, unique=True),
        Column("tutor", ID, nullable=False),
        Column("student", ID, nullable=False),
        Column("start", BigInteger, nullable=False),
        Column("minutes", Integer, nullable=False),
    ]


def _tutor_index() -> Index:
    return Index("sessions_by_tutor", "tutor", "start", "id")


def _session_indexes() -> list[Index]:
    """The indexes of step 1: each tutor's and each student's sessions in order."""
    return [_tutor_index(), Index("sessions_by_student", "student", "start", "id")]


def _derived_columns() -> list[Column[Any]]:
    return [
        # The latest feedback version; NULL while feedback is pending.
        Column("fb_version", Integer),
        # How many versions it has (more than one: it was amended).
        Column("fb_count", Integer),
        Column("fb_first_given", BigInteger),
        # Seconds from the session's end to its first feedback.
        Column("fb_delay", BigInteger),
        Column("fb_completed", Boolean),
        Column("fb_reason", String(40)),
        Column("fb_tech_issues", Boolean),
        Column("fb_platform", Text),
        Column("fb_great_work", Boolean),
        Column("fb_doing_great", ID),
        # Completed sessions only: the student's completed sessions since their
        # last award, this one included, and the awards before this session.
        Column("award_run", Integer),
        Column("awards_before", Integer),
    ]


sessions = Table(
    "sessions",
    metadata,
    *_session_columns(),
    *_derived_columns(),
    _tutor_index(),
    # Since step 4 (replacing step 1's sessions_by_student): a student's
    # sessions and which feedback version is their latest, from the index alone.
    Index(
        "sessions_of_student",
        "student",
        "start",
        "id",
        "tutor",
        "minutes",
        "fb_version",
    ),
    # Per-tutor counts, read from the index alone.
    Index(
        "sessions_outcomes",
        "tutor",
        "start",
        "minutes",
        "fb_version",
        "fb_first_given",
        "fb_completed",
        "fb_reason",
        "fb_tech_issues",
        "fb_great_work",
        "fb_platform",
    ),
    # Each tutor's delays in order, for the median.
    Index("sessions_delays", "tutor", "fb_delay", "start", "minutes"),
    # Each student's completed sessions in order, for runs between awards.
    Index(
        "sessions_awards",
        "student",
        "fb_completed",
        "start",
        "id",
        "award_run",
        "awards_before",
        "fb_doing_great",
        "tutor",
    ),
)


def _feedback_columns() -> list[Column[Any]]:
    return [
        Column("session", ID, nullable=False),
        Column("version", Integer, nullable=False),
        Column("tutor", ID, nullable=False),
        Column("given_at", BigInteger, nullable=False),
        Column("completed", Boolean, nullable=False),
        Column("reason", String(40)),
        Column("student_missed", Boolean),
        Column("tech_issues", Boolean, nullable=False),
        Column("note", Text, nullable=False),
        Column("platform", Text),
        # The student's levels after the session, as JSON.
        Column("evaluation", Text, nullable=False),
        Column("great_work", Boolean, nullable=False),
        Column("goal", ID),
        Column("doing_great", ID),
        Column("focus", Text, nullable=False),
        Column("language_seen", Text, nullable=False),
        Column("follow_up", Text, nullable=False),
        Column("comments", Text, nullable=False),
        # Microseconds since the epoch, by the real clock; NULL before fbcli kept it.
        Column("saved_at", BigInteger),
    ]


def _version_once() -> UniqueConstraint:
    # Two writers giving the same version of one session's feedback: the
    # database keeps the first and refuses the second.
    return UniqueConstraint("session", "version", name="feedback_version_once")


# Since step 4, each student's feedback is stored together, in the order of
# the key (student, session, version): giving feedback reads the student's
# whole history, which would otherwise be a page of the file per session.
# SQLite keeps the rows in the key's order (WITHOUT ROWID); on PostgreSQL the
# key is an index. ``student`` is the session's student, kept by fbcli; ``seq``
# is no longer the key, and the store numbers new feedback after the highest.
feedback = Table(
    "feedback",
    metadata,
    Column("seq", Integer, nullable=False, unique=True),
    Column("student", ID, nullable=False),
    *_feedback_columns(),
    PrimaryKeyConstraint("student", "session", "version", name="feedback_by_student"),
    _version_once(),
    sqlite_with_rowid=False,
)

plan_changes = Table(
    "plan_changes",
    metadata,
    _seq(),
    Column("student", ID, nullable=False),
    Column("goal", ID, nullable=False),
    Column("action", String(10), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("by", ID, nullable=False),
    Index("plan_changes_by_student", "student", "at"),
)

TABLES = (meta, tutors, students, sessions, feedback, plan_changes)
# The tables of records, in the order a copy of the store writes them.
RECORD_TABLES = (tutors, students, sessions, feedback, plan_changes)

# What step 2 adds to the sessions of step 1.
DERIVED_COLUMNS = tuple(column.name for column in _derived_columns())
STATS_INDEXES = ("sessions_outcomes", "sessions_delays", "sessions_awards")

# Step 3: narrower indexes, so that each figure reads only the entries it
# counts, in the order it counts them.
_not_completed = sessions.c.fb_completed.is_(False)
_awarded = sessions.c.fb_doing_great.is_not(None)
STEP_3_INDEXES = (
    Index(
        "sessions_platforms",
        sessions.c.tutor,
        sessions.c.fb_platform,
        sessions.c.start,
        sessions.c.minutes,
        sessions.c.fb_tech_issues,
        sessions.c.fb_version,
    ),
    Index(
        "sessions_not_completed",
        sessions.c.tutor,
        sessions.c.fb_reason,
        sessions.c.start,
        sessions.c.minutes,
        sqlite_where=_not_completed,
        postgresql_where=_not_completed,
    ),
    Index(
        "sessions_awarded",
        sessions.c.tutor,
        sessions.c.award_run,
        sessions.c.start,
        sessions.c.fb_completed,
        sqlite_where=_awarded,
        postgresql_where=_awarded,
    ),
)


def step_one_tables() -> list[Table]:
    """The tables as step 1 made them.

    Sessions had no derived columns; feedback was kept in the order it was
    given, without its student.
    """
    first = MetaData()
    made = []
    for table in TABLES:
        if table is sessions:
            made.append(
                Table(
                    "sessions",
                    first,
                    *_session_columns(),
                    *_session_indexes(),
                )
            )
        elif table is feedback:
            made.append(
                Table("feedback", first, _seq(), *_feedback_columns(), _version_once())
            )
        else:
            made.append(table.to_metadata(first))
    return made


# Step 4: the feedback table is rebuilt in its new order, under this name
# while the old one is copied from.
FEEDBACK_BEFORE_STEP_4 = "feedback_before_step_4"
STEP_4_DROPPED_INDEX = "sessions_by_student"
STEP_4_INDEX = "sessions_of_student"
_completed = sessions.c.fb_completed.is_(True)
STEP_4_INDEXES = (
    # A tutor's newest completed sessions and their badges, for the badge rate
    # that giving feedback weighs, without reading the sessions themselves.
    Index(
        "sessions_badges",
        sessions.c.tutor,
        sessions.c.start,
        sessions.c.id,
        sessions.c.fb_great_work,
        # Named as well, so that SQLite reads nothing but the index.
        sessions.c.fb_completed,
        sqlite_where=_completed,
        postgresql_where=_completed,
    ),
)
