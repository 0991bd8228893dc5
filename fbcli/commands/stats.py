"""fbcli stats: what feedback adds up to, for a tutor, every tutor, or a student."""

import re
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from fbcli import school
from fbcli.completion import complete_student
from fbcli.context import AppContext
from fbcli.errors import BadUsage, NotAllowed, NotFound
from fbcli.output import say
from fbcli.rules.matching import close_matches, fold
from fbcli.rules.model import Student, Tutor
from fbcli.rules.stats import (
    Period,
    StudentStats,
    TutorFigures,
    student_stats,
)
from fbcli.store import Store

# Control codes a terminal would obey (not tab or line breaks), and the C1 ones.
TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
C1_CONTROL = re.compile(r"[\x7f-\x9f]")


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def parse_day(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadUsage(f"{flag} {text!r} is not a date like 2026-11-30") from None


def stats(
    ctx: typer.Context,
    all_tutors: Annotated[
        bool, typer.Option("--all", help="One row per tutor (admins only).")
    ] = False,
    tutor_name: Annotated[
        str | None,
        typer.Option("--tutor", metavar="TUTOR", help="This tutor's figures (admins)."),
    ] = None,
    student_name: Annotated[
        str | None,
        typer.Option(
            "--student",
            metavar="STUDENT",
            help="One student's figures (id or name).",
            autocompletion=complete_student,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Sessions from this day (YYYY-MM-DD)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Sessions up to this day, inclusive."),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", help="table (with charts), json or csv.")
    ] = Format.table,
    as_json: Annotated[
        bool, typer.Option("--json", help="The same as --format json.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace FILE if it exists.")
    ] = False,
    for_student: Annotated[
        bool,
        typer.Option("--for-student", help="A Markdown report for the student."),
    ] = False,
) -> None:
    """Your figures as a tutor; every tutor's (admins); or one student's.

    Sessions count when they start from --since to --until (whole days, both
    included, local time) and have ended. Per tutor: sessions taught,
    completed, not completed by reason (unattended on its own); tech issues by
    platform; great work badges per completed session, marked outside the
    school's 10-20% band (10% and 20% are inside); sessions between "doing
    great" awards, marked outside 5-10 (5 and 10 are inside); feedback given
    late (its first version after the 48-hour deadline from the session's
    start); feedback still pending, and how many of those are overdue; median
    hours from a session's end to its first feedback.

    Sessions between awards: each award closes a gap, the number of the
    student's completed sessions, with any tutor, since their previous award,
    counting the awarded session but not the previous one (an award every 5th
    session gives 5; a first award counts from the student's first session).
    A student who has gone 10 or more completed sessions without an award by
    the end of the period counts too, as the shortest gap still possible (the
    run plus one), for each tutor who taught them in that run in the period.
    A tutor's figure is the mean of the gaps their awards in the period close
    and of those runs, so a tutor who never gives the award is marked above
    once one of their students reaches 10.

    --student: each parameter's level over time, the progress graph
    (completed sessions whose goal was in the study plan when the session
    started or when its feedback was first given; amending it later changes
    nothing), badges and awards, and plan coverage (share of the goals in the
    plan at the end of the period with at least one such session). Admins,
    and tutors who taught the student, may see it. --for-student writes a
    Markdown report for the student, without the focus or any tutor's note.

    --format json (or --json) prints a document with "version": 1 (see the
    README for its shape); --format csv one row per tutor, or per session
    with --student.
    Text cells that start like a formula (= + - @ tab CR) get a leading '.
    """
    app: AppContext = ctx.obj
    period = Period.of_days(parse_day(since, "--since"), parse_day(until, "--until"))
    if period.since and period.until and period.since > period.until:
        raise BadUsage("--since is after --until")
    chosen = sum((all_tutors, tutor_name is not None, student_name is not None))
    if chosen > 1:
        raise BadUsage("give only one of --all, --tutor and --student")
    if for_student and student_name is None:
        raise BadUsage("--for-student needs --student STUDENT")
    if as_json:
        if output_format is Format.csv:
            raise BadUsage("give --json or --format csv, not both")
        output_format = Format.json
    output_format = pick_format(output_format, output, for_student)
    now = app.now()
    settings = school.settings()

    with app.store() as store:
        acting = app.acting_tutor(store)
        if student_name is not None:
            student = find_student(store, student_name)
            check_student_access(store, acting, student, now)
            sessions = store.sessions(student=student.id)
            feedback = store.latest_feedback(student=student.id)
            first_given = store.first_given_times([s.id for s in sessions])
            changes = store.plan_changes(student.id)
            tutor_names = {t.id: t.name for t in store.tutors()}
        else:
            tutors = store.tutors()
            only = [acting.id]
            if all_tutors or not names_acting_tutor(tutors, acting, tutor_name):
                app.require_admin(store)
                only = [t.id for t in tutors]
                if tutor_name is not None:
                    only = [find_tutor(tutors, tutor_name).id]
            figures = store.tutor_figures(tutors, period, now, settings, only)

    if student_name is None:
        admins = {t.id for t in tutors if t.is_admin}
        if all_tutors:
            figures = [f for f in figures if f.taught or f.tutor not in admins]
        elif tutor_name is None and acting.is_admin and not figures[0].taught:
            say(
                f"{acting.id} taught no sessions in this period; --all shows every tutor"
            )
        show_tutors(figures, period, now, output_format, output, force, all_tutors)
        return
    student_figures = student_stats(
        student,
        sessions,
        feedback,
        first_given,
        changes,
        period,
        now,
        settings,
        school.rubric(),
        school.goals(),
        tutor_names,
    )
    show_student(
        student_figures, period, now, output_format, output, force, for_student
    )


def pick_format(chosen: Format, output: Path | None, for_student: bool) -> Format:
    """The format asked for, or the one an --output file's name implies."""
    if for_student:
        if chosen is not Format.table:
            raise BadUsage("--for-student writes Markdown; leave out --format")
        return chosen
    if output is None or chosen is not Format.table:
        return chosen
    implied = {".csv": Format.csv, ".json": Format.json}.get(output.suffix.lower())
    if implied is None:
        raise BadUsage("--output needs --format json or csv (or a .json/.csv name)")
    return implied


def find_student(store: Store, name: str) -> Student:
    student = store.student(name)
    if student is not None:
        return student
    students = store.students()
    named = [s for s in students if fold(s.name) == fold(name)]
    if len(named) == 1:
        return named[0]
    candidates = [s.id for s in students] + [s.name for s in students]
    raise NotFound("student", name, close_matches(name, candidates))


def find_tutor(tutors: list[Tutor], name: str) -> Tutor:
    for tutor in tutors:
        if tutor.id == name:
            return tutor
    named = [t for t in tutors if fold(t.name) == fold(name)]
    if len(named) == 1:
        return named[0]
    candidates = [t.id for t in tutors] + [t.name for t in tutors]
    raise NotFound("tutor", name, close_matches(name, candidates))


def names_acting_tutor(tutors: list[Tutor], acting: Tutor, name: str | None) -> bool:
    """Does ``--tutor`` name the acting tutor (by id or name), or is it not given?

    Resolved before any admin check, so a tutor may name themselves either way;
    any other name is for admins only, and only they learn which names exist.
    """
    if name is None:
        return True
    try:
        return find_tutor(tutors, name).id == acting.id
    except NotFound:
        return False


def check_student_access(
    store: Store, acting: Tutor, student: Student, now: datetime
) -> None:
    if acting.is_admin:
        return
    taught = store.sessions(tutor=acting.id, student=student.id)
    if not any(session.end <= now for session in taught):
        raise NotAllowed(
            f"{acting.id} has not taught {student.id}; only admins and the "
            "student's tutors may see their figures"
        )


def show_tutors(
    figures: list[TutorFigures],
    period: Period,
    now: datetime,
    output_format: Format,
    output: Path | None,
    force: bool,
    many: bool,
) -> None:
    from fbcli import exports

    if output_format is Format.table:
        from fbcli.charts import draw_tutors

        draw_tutors(figures, period, now, school.settings(), many=many)
        return
    if output_format is Format.json:
        text = json_text(
            exports.tutors_document(figures, period, now, school.settings())
        )
    else:
        text = exports.tutors_csv(figures)
    deliver(text, output, force, f"{len(figures)} tutors")


def show_student(
    stats: StudentStats,
    period: Period,
    now: datetime,
    output_format: Format,
    output: Path | None,
    force: bool,
    for_student: bool,
) -> None:
    from fbcli import exports

    if for_student:
        text = exports.student_report(stats, school.goals(), period, now)
        deliver(text, output, force, f"a report for {stats.student.id}")
        return
    if output_format is Format.table:
        from fbcli.charts import draw_student

        draw_student(stats, period, now, school.settings(), school.rubric())
        return
    if output_format is Format.json:
        text = json_text(
            exports.student_document(stats, period, now, school.settings())
        )
    else:
        text = exports.student_csv(stats)
    deliver(text, output, force, f"{len(stats.sessions)} sessions")


def json_text(document: object) -> str:
    import orjson

    text = orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()
    # orjson writes C1 controls raw, and some terminals obey them.
    return C1_CONTROL.sub(lambda c: f"\\u{ord(c.group()):04x}", text) + "\n"


def deliver(text: str, output: Path | None, force: bool, what: str) -> None:
    """Results to stdout, or whole to a file with a word on stderr."""
    if output is None:
        # A terminal would obey control codes in user text; tab and line breaks
        # are text, and JSON holds none raw.
        typer.echo(TERMINAL_CONTROL.sub("\N{REPLACEMENT CHARACTER}", text), nl=False)
        return
    from fbcli.exports import write_file

    write_file(output, text, force=force)
    say(f"wrote {what} to {output}")


def register(app: typer.Typer) -> None:
    app.command()(stats)
