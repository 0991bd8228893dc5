"""Tutor figures counted by the database, the same as ``rules.stats.tutor_stats``.

Each query groups the sessions' derived columns (see ``schema``) per tutor;
what comes back is a few rows per tutor, never a row per session. The rules
module stays the definition: the tests check both give the same figures.
"""

from __future__ import annotations

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
    """Sessions and tech issues per platform, each under its first spelling seen."""
    first_seen: dict[str | None, tuple[int, str]] = {}
    starts: dict[str | None, int] = {}
    for _, text, _, _, start in rows:
        key = None if text is None else str(text)
        starts[key] = min(starts.get(key, int(start)), int(start))
    tied = _tied_spellings(starts)
    for text, start in starts.items():
        first_id = ""
        if text is not None and text in tied:
            found = db.rows(
                "stats_first_spelling", platform=text, start=start, **bounds
            )
            first_id = str(found[0][0] or "")
        first_seen[text] = (start, first_id)
    labels = PlatformLabels()
    for text in sorted(first_seen, key=lambda t: first_seen[t]):
        labels.label(text)
    for tutor_id, text, sessions, tech_issues, _ in rows:
        label = labels.label(None if text is None else str(text))
        tutor = figures[str(tutor_id)]
        platform = tutor.platforms.get(label)
        if platform is None:
            platform = tutor.platforms[label] = PlatformFigures()
        platform.sessions += int(sessions)
        platform.tech_issues += int(tech_issues)
    # Platforms in the order the Python rules meet them: by first session.
    for tutor in figures.values():
        if len(tutor.platforms) > 1:
            order = _label_order(rows, labels, first_seen, tutor.tutor, db, bounds)
            tutor.platforms = {name: tutor.platforms[name] for name in order}


def _tied_spellings(starts: dict[str | None, int]) -> set[str]:
    """Spellings whose first session starts with another spelling's of the same name."""
    from fbcli.rules.matching import fold

    by_moment: dict[tuple[str, int], list[str]] = {}
    for text, start in starts.items():
        if text is not None and text.strip():
            by_moment.setdefault((fold(text.strip()), start), []).append(text)
    return {text for texts in by_moment.values() if len(texts) > 1 for text in texts}


def _label_order(
    rows: list[Row],
    labels: PlatformLabels,
    first_seen: dict[str | None, tuple[int, str]],
    tutor_id: str,
    db: Database,
    bounds: dict[str, int],
) -> list[str]:
    """One tutor's platforms in the order of their first sessions, (start, id)."""
    starts: dict[str, int] = {}
    texts: dict[str, list[str | None]] = {}
    for row_tutor, text, _, _, start in rows:
        if row_tutor != tutor_id:
            continue
        key = None if text is None else str(text)
        label = labels.label(key)
        texts.setdefault(label, []).append(key)
        starts[label] = min(starts.get(label, int(start)), int(start))
    firsts: dict[str, tuple[int, str]] = {name: (at, "") for name, at in starts.items()}
    moments = list(starts.values())
    for name, at in starts.items():
        if moments.count(at) > 1:
            # Two platforms first met at the same start: the session id decides.
            ids = [
                found
                for text in texts[name]
                for (found,) in (
                    db.rows(
                        "stats_first_of_tutor_unnamed",
                        tutor=tutor_id,
                        start=at,
                        **bounds,
                    )
                    if text is None
                    else db.rows(
                        "stats_first_of_tutor",
                        tutor=tutor_id,
                        platform=text,
                        start=at,
                        **bounds,
                    )
                )
                if found is not None
            ]
            firsts[name] = (at, min(ids))
    return sorted(firsts, key=lambda name: firsts[name])
