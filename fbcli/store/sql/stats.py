"""Tutor figures counted by the database, the same as ``rules.stats.tutor_stats``.

Each query groups the sessions' derived columns (see ``schema``) per tutor;
what comes back is a few rows per tutor, never a row per session. The rules
module stays the definition: the tests check both give the same figures.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from fbcli.rules.model import Settings, Tutor
from fbcli.rules.stats import (
    Period,
    PlatformFigures,
    PlatformLabels,
    TutorFigures,
    finish_figures,
    new_figures,
)
from fbcli.store.sql.driver import Database, Row


def tutor_figures(
    db: Database,
    tutors: list[Tutor],
    period: Period,
    now: datetime,
    settings: Settings,
    only: list[str] | None,
) -> list[TutorFigures]:
    from fbcli.store.sql.store import NEVER, seconds

    figures, wanted = new_figures(tutors, only)
    bounds = {
        "first": -NEVER if period.first is None else seconds(period.first),
        "end": NEVER if period.end is None else seconds(period.end),
        "now": seconds(now),
    }

    def mine(rows: list[Row]) -> list[Row]:
        return [row for row in rows if row[0] in wanted]

    due_after = settings.deadline_hours * 3600
    for row in mine(db.rows("stats_outcomes", due_after=due_after, **bounds)):
        tutor = figures[str(row[0])]
        (
            tutor.taught,
            tutor.pending,
            tutor.pending_overdue,
            tutor.feedback_given,
            tutor.late,
            tutor.completed,
            tutor.great_work,
            tutor.tech_issues,
        ) = (int(value) for value in row[1:])

    for tutor_id, reason, count in mine(db.rows("stats_reasons", **bounds)):
        reasons = figures[str(tutor_id)].not_completed_by_reason
        name = str(reason or "unknown")
        reasons[name] = reasons.get(name, 0) + int(count)

    _platforms(db, figures, mine(db.rows("stats_platforms", **bounds)), bounds)

    for tutor in figures.values():
        if tutor.tutor in wanted and tutor.feedback_given:
            # The middle delay, or the two middle ones of an even count.
            count = tutor.feedback_given
            middle = db.rows(
                "stats_median",
                tutor=tutor.tutor,
                count=2 - count % 2,
                skip=(count - 1) // 2,
                **bounds,
            )
            delays = [int(row[0]) for row in middle]
            tutor.median_hours_to_feedback = sum(delays) / len(delays) / 3600

    gap_bounds = {"first": bounds["first"], "end": bounds["end"]}
    for tutor_id, gap, awards in sorted(mine(db.rows("stats_gaps", **gap_bounds))):
        figures[str(tutor_id)].doing_great_gaps.extend([int(gap)] * int(awards))

    overdue = settings.doing_great_band[1]
    open_runs = db.rows("stats_open_runs", overdue=overdue, **gap_bounds)
    for tutor_id, run, students in sorted(mine(open_runs)):
        figures[str(tutor_id)].doing_great_open_runs.extend([int(run)] * int(students))
    return finish_figures(figures, wanted, settings)


def _platforms(
    db: Database,
    figures: dict[str, TutorFigures],
    rows: list[Row],
    bounds: dict[str, int],
) -> None:
    """Sessions and tech issues per platform, as the Python rules count them.

    ``rows`` are (tutor, platform as typed, sessions, tech issues, first start)
    of the wanted tutors. A platform is named by its first spelling met, and
    listed in each tutor's figures in the order met, both by session (start,
    id); the session id is looked up only where two first starts tie.
    """
    from fbcli.rules.matching import fold

    def kind(text: str | None) -> str | None:
        name = (text or "").strip()
        return fold(name) if name else None

    groups = [
        (str(who), None if text is None else str(text), int(start))
        for who, text, _, _, start in rows
    ]
    # When the first sessions of two spellings of one platform, or of two
    # platforms of one tutor, start at once, the session id decides.
    spelling_start: dict[str | None, int] = {}
    platform_start: dict[tuple[str, str | None], int] = {}
    for who, text, start in groups:
        spelling_start[text] = min(spelling_start.get(text, start), start)
        key = (who, kind(text))
        platform_start[key] = min(platform_start.get(key, start), start)
    spellings_at = Counter((kind(t), at) for t, at in spelling_start.items())
    platforms_at = Counter((who, at) for (who, _), at in platform_start.items())
    first: dict[tuple[str, str | None], tuple[int, str]] = {}
    for who, text, start in groups:
        tied = (
            start == spelling_start[text] and spellings_at[kind(text), start] > 1
        ) or (start == platform_start[who, kind(text)] and platforms_at[who, start] > 1)
        first[who, text] = (
            start,
            _first_id(db, who, text, start, bounds) if tied else "",
        )

    labels = PlatformLabels()
    for _, text in sorted(first, key=lambda group: first[group]):
        labels.label(text)
    met: dict[str, dict[str, tuple[int, str]]] = {}
    for tutor_id, text, sessions, tech_issues, _ in rows:
        key = (str(tutor_id), None if text is None else str(text))
        label = labels.label(key[1])
        tutor = figures[key[0]]
        platform = tutor.platforms.get(label)
        if platform is None:
            platform = tutor.platforms[label] = PlatformFigures()
        platform.sessions += int(sessions)
        platform.tech_issues += int(tech_issues)
        seen = met.setdefault(key[0], {})
        seen[label] = min(seen.get(label, first[key]), first[key])
    for tutor_id, seen in met.items():
        tutor = figures[tutor_id]
        tutor.platforms = {
            name: tutor.platforms[name] for name in sorted(seen, key=seen.__getitem__)
        }


def _first_id(
    db: Database, tutor: str, text: str | None, start: int, bounds: dict[str, int]
) -> str:
    """The least session id of the tutor's counted sessions on this platform at ``start``."""
    if text is None:
        found = db.rows(
            "stats_first_of_tutor_unnamed", tutor=tutor, start=start, **bounds
        )
    else:
        found = db.rows(
            "stats_first_of_tutor", tutor=tutor, platform=text, start=start, **bounds
        )
    return str(found[0][0])
