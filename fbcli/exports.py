"""Files fbcli hands to other people: CSV for spreadsheets, Markdown for students.

CSV cells holding text that starts like a formula (``=``, ``+``, ``-``, ``@``,
tab, carriage return) get a leading ``'`` so a spreadsheet shows them instead
of running them. Numbers fbcli writes itself (counts, rates, hours) are not
text and are written as they are, so a negative number stays a number.

A student report is built only from ``StudentStats``, whose session notes
carry the fields a student may read (language seen, follow-up, comments) and
never the focus or a tutor's note.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from fbcli.errors import RuleBroken
from fbcli.rules.model import Goal, Settings, format_time
from fbcli.rules.stats import Period, SessionLine, StudentStats, TutorFigures

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | bool | None

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|#~])")


class OutputExists(RuleBroken):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists; add --force to replace it")


def csv_cell(value: Cell) -> str:
    """One CSV cell: numbers as numbers, text neutralised if it looks like a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def write_file(path: Path, text: str, *, force: bool) -> None:
    """Write ``text`` to ``path`` whole or not at all; an existing file needs ``force``.

    The text goes to a temporary file beside ``path`` first. Without
    ``force`` it is linked into place, which fails if ``path`` appeared in
    the meantime; with ``force`` it replaces ``path`` in one rename.
    """
    if path.is_dir():
        raise RuleBroken(f"{path} is a folder; give a file name")
    if not force and (path.exists() or path.is_symlink()):
        raise OutputExists(path)
    folder = path.parent
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except FileNotFoundError:
        raise RuleBroken(
            f"cannot write {path}: folder {folder} does not exist"
        ) from None
    except OSError as error:
        raise RuleBroken(f"cannot write {path}: {error.strerror}") from None
    temp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if force:
            temp.replace(path)
        else:
            _link_new(temp, path)
    except OSError as error:
        raise RuleBroken(f"cannot write {path}: {error.strerror}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _link_new(temp: Path, path: Path) -> None:
    try:
        path.hardlink_to(temp)
    except FileExistsError:
        raise OutputExists(path) from None
    except OSError:
        # Some file systems have no hard links; fall back on a check and a rename.
        if path.exists():
            raise OutputExists(path) from None
        temp.replace(path)


# JSON documents and CSV rows, from the figures.

JSON_VERSION = 1

TUTOR_COLUMNS = (
    "tutor",
    "name",
    "taught",
    "completed",
    "not_completed",
    "unattended",
    "student_tech",
    "server_down",
    "dismissal_requested",
    "pending",
    "pending_overdue",
    "feedback_given",
    "late",
    "median_hours_to_feedback",
    "great_work",
    "great_work_rate",
    "great_work_mark",
    "doing_great_awards",
    "sessions_between_awards",
    "doing_great_mark",
    "doing_great_overdue_students",
    "tech_issues",
    "tech_issues_by_platform",
)


def _rounded(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else format_time(moment)


def document_head(
    kind: str, period: Period, now: datetime, settings: Settings
) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "kind": kind,
        "generated_at": format_time(now),
        "period": {
            "since": period.since.isoformat() if period.since else None,
            "until": period.until.isoformat() if period.until else None,
        },
        "bands": {
            "great_work_rate": list(settings.badge_band),
            "sessions_between_awards": list(settings.doing_great_band),
            "deadline_hours": settings.deadline_hours,
        },
    }


def tutor_record(figures: TutorFigures) -> dict[str, Any]:
    return {
        "tutor": figures.tutor,
        "name": figures.name,
        "sessions": {
            "taught": figures.taught,
            "completed": figures.completed,
            "not_completed": figures.not_completed,
            "unattended": figures.unattended,
            "dismissal_requested": figures.dismissal_requested,
            "pending": figures.pending,
        },
        "not_completed_by_reason": dict(figures.not_completed_by_reason),
        "tech_issues": {
            "total": figures.tech_issues,
            "by_platform": {
                name: {"sessions": p.sessions, "tech_issues": p.tech_issues}
                for name, p in figures.platforms.items()
            },
        },
        "great_work": {
            "badges": figures.great_work,
            "completed": figures.completed,
            "rate": _rounded(figures.great_work_rate, 4),
            "mark": figures.great_work_mark,
        },
        "doing_great": {
            "awards": figures.doing_great_awards,
            "sessions_between_awards": _rounded(figures.sessions_between_awards, 2),
            "mark": figures.doing_great_mark,
            "overdue_students": figures.overdue_students,
        },
        "feedback": {
            "given": figures.feedback_given,
            "late": figures.late,
            "pending": figures.pending,
            "pending_overdue": figures.pending_overdue,
            "median_hours_to_feedback": _rounded(figures.median_hours_to_feedback, 2),
        },
    }


def tutors_document(
    tutors: Sequence[TutorFigures], period: Period, now: datetime, settings: Settings
) -> dict[str, Any]:
    document = document_head("tutors", period, now, settings)
    document["tutors"] = [tutor_record(figures) for figures in tutors]
    return document


def platforms_cell(figures: TutorFigures) -> str:
    return "; ".join(
        f"{name} {p.tech_issues}/{p.sessions}"
        for name, p in figures.platforms.items()
        if p.tech_issues
    )


def tutor_row(figures: TutorFigures) -> list[Cell]:
    reasons = figures.not_completed_by_reason
    return [
        figures.tutor,
        figures.name,
        figures.taught,
        figures.completed,
        figures.not_completed,
        figures.unattended,
        reasons.get("student-tech", 0),
        reasons.get("server-down", 0),
        figures.dismissal_requested,
        figures.pending,
        figures.pending_overdue,
        figures.feedback_given,
        figures.late,
        _rounded(figures.median_hours_to_feedback, 2),
        figures.great_work,
        _rounded(figures.great_work_rate, 4),
        figures.great_work_mark,
        figures.doing_great_awards,
        _rounded(figures.sessions_between_awards, 2),
        figures.doing_great_mark,
        figures.overdue_students,
        figures.tech_issues,
        platforms_cell(figures),
    ]


def tutors_csv(tutors: Sequence[TutorFigures]) -> str:
    return csv_text(TUTOR_COLUMNS, (tutor_row(figures) for figures in tutors))


def session_record(line: SessionLine) -> dict[str, Any]:
    return {
        "session": line.session,
        "start": format_time(line.start),
        "tutor": line.tutor,
        "status": line.status,
        "reason": line.reason,
        "goal": line.goal,
        "counted": line.counted,
        "great_work": line.great_work,
        "doing_great": line.doing_great,
        "levels": dict(line.levels),
        "platform": line.platform,
        "tech_issues": line.tech_issues,
        "given_at": _when(line.given_at),
        "late": line.late,
    }


def student_document(
    stats: StudentStats, period: Period, now: datetime, settings: Settings
) -> dict[str, Any]:
    document = document_head("student", period, now, settings)
    current = stats.current_levels
    document |= {
        "student": {"id": stats.student.id, "name": stats.student.name},
        "sessions_summary": {
            "taught": stats.taught,
            "completed": stats.count("completed"),
            "not_completed": stats.count("not-completed", "dismissal-requested"),
            "unattended": stats.unattended,
            "dismissal_requested": stats.count("dismissal-requested"),
            "pending": stats.count("pending"),
            "upcoming": stats.count("upcoming"),
        },
        "levels": {
            parameter: {
                "before": stats.start_levels[parameter],
                "now": current[parameter],
                "points": [
                    {
                        "session": point.session,
                        "start": format_time(point.start),
                        "level": point.level,
                    }
                    for point in points
                ],
            }
            for parameter, points in stats.levels.items()
        },
        "progress": {
            "goals": [
                {
                    "goal": goal.goal,
                    "title": goal.title,
                    "area": goal.area,
                    "in_plan_now": goal.in_plan_now,
                    "sessions": [
                        {"session": session, "start": format_time(start)}
                        for session, start in goal.sessions
                    ],
                }
                for goal in stats.progress
            ],
            "outside_plan": stats.outside_plan,
        },
        "plan": {
            "goals": list(stats.plan_now),
            "covered": stats.covered_goals,
            "coverage": _rounded(stats.coverage, 4),
        },
        "awards": {
            "great_work": [
                {
                    "session": award.session,
                    "start": format_time(award.start),
                    "tutor": award.tutor,
                }
                for award in stats.great_work
            ],
            "doing_great": [
                {
                    "session": award.session,
                    "start": format_time(award.start),
                    "tutor": award.tutor,
                    "area": award.area,
                }
                for award in stats.doing_great
            ],
            "sessions_between_awards": _rounded(stats.sessions_between_awards, 2),
            "sessions_since_award": stats.sessions_since_award,
        },
        "sessions": [session_record(line) for line in stats.sessions],
    }
    return document


def student_csv(stats: StudentStats) -> str:
    parameters = list(stats.levels)
    header = [
        "session",
        "start",
        "tutor",
        "status",
        "reason",
        "goal",
        "counted",
        "great_work",
        "doing_great",
        *parameters,
        "platform",
        "tech_issues",
        "given_at",
        "late",
    ]
    rows: list[list[Cell]] = [
        [
            line.session,
            format_time(line.start),
            line.tutor,
            line.status,
            line.reason,
            line.goal,
            line.counted,
            line.great_work,
            line.doing_great,
            *(line.levels.get(parameter) for parameter in parameters),
            line.platform,
            line.tech_issues,
            _when(line.given_at),
            line.late,
        ]
        for line in stats.sessions
    ]
    return csv_text(header, rows)


# The student report.


def md_text(text: str) -> str:
    """User text made inert in Markdown: no markup, no control codes, line breaks kept."""
    clean = _CONTROL.sub("", text.replace("\r\n", "\n")).strip()
    return "  \n".join(_MARKDOWN.sub(r"\\\1", line) for line in clean.split("\n"))


def day(moment: datetime) -> str:
    return moment.astimezone().strftime("%a %d %b %Y")


def describe_period(period: Period) -> str:
    if period.since and period.until:
        return f"your sessions from {period.since:%d %b %Y} to {period.until:%d %b %Y}"
    if period.since:
        return f"your sessions since {period.since:%d %b %Y}"
    if period.until:
        return f"your sessions up to {period.until:%d %b %Y}"
    return "all your sessions"


def student_report(
    stats: StudentStats,
    goals: Mapping[str, Goal],
    period: Period,
    now: datetime,
) -> str:
    """A Markdown report for the student: plan, levels, awards and session notes."""
    student = stats.student
    lines = [
        f"# Your progress report, {md_text(student.name)}",
        "",
        f"This report covers {describe_period(period)}, as of {day(now)}.",
        "",
    ]
    lines += _plan_section(stats, goals)
    lines += _levels_section(stats)
    lines += _awards_section(stats, goals)
    lines += _sessions_section(stats)
    return "\n".join(lines).rstrip("\n") + "\n"


def _plan_section(stats: StudentStats, goals: Mapping[str, Goal]) -> list[str]:
    lines = ["## Your study plan", ""]
    if not stats.plan_now:
        return [*lines, "You have no study plan yet.", ""]
    covered = stats.covered_goals
    lines += [
        f"You have worked on {len(covered)} of the {len(stats.plan_now)} goals "
        f"in your plan ({stats.coverage or 0:.0%}).",
        "",
    ]
    counts = {goal.goal: len(goal.sessions) for goal in stats.progress}
    for goal_id in stats.plan_now:
        known = goals.get(goal_id)
        title = md_text(known.title if known else goal_id)
        count = counts.get(goal_id, 0)
        done = "x" if count else " "
        noun = "session" if count == 1 else "sessions"
        lines.append(f"- [{done}] {title}: {count} {noun}")
    return [*lines, ""]


def _levels_section(stats: StudentStats) -> list[str]:
    lines = [
        "## Your levels",
        "",
        "| Skill | Before | Now | Change |",
        "| --- | ---: | ---: | ---: |",
    ]
    current = stats.current_levels
    for parameter, before in stats.start_levels.items():
        change = current[parameter] - before
        shown = f"+{change}" if change > 0 else ("=" if change == 0 else str(change))
        lines.append(
            f"| {md_text(parameter.capitalize())} | {before} | "
            f"{current[parameter]} | {shown} |"
        )
    return [*lines, ""]


def _awards_section(stats: StudentStats, goals: Mapping[str, Goal]) -> list[str]:
    lines = ["## Badges and awards", ""]
    if not stats.great_work and not stats.doing_great:
        return [*lines, "No badges yet in this period: keep going!", ""]
    if stats.great_work:
        days = ", ".join(day(award.start) for award in stats.great_work)
        count = len(stats.great_work)
        noun = "badge" if count == 1 else "badges"
        lines.append(f"- {count} great work {noun}: {days}")
    for award in stats.doing_great:
        area = md_text(award.area or "")
        lines.append(f"- You're doing great in {area} ({day(award.start)})")
    return [*lines, ""]


def _sessions_section(stats: StudentStats) -> list[str]:
    lines = ["## Your sessions", ""]
    if not stats.notes:
        return [*lines, "No completed sessions in this period.", ""]
    for notes in stats.notes:
        heading = f"### {day(notes.start)} with {md_text(notes.tutor_name)}"
        lines += [heading, ""]
        for label, text in (
            ("Topic", notes.goal_title),
            ("Language seen", notes.language_seen),
            ("Next time", notes.follow_up),
            ("Comments", notes.comments),
        ):
            if text.strip():
                lines.append(f"**{label}:** {md_text(text)}  ")
        lines[-1] = lines[-1].rstrip()
        lines.append("")
    return lines
