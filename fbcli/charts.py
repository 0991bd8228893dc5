"""Charts drawn in the terminal with rich: level bars, band gauges, week strips.

Every chart reads without colour too (``NO_COLOR``): bands, marks and bars
use distinct characters, and colour only adds emphasis. rich is imported
inside the functions, as everywhere in fbcli.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from fbcli.rules.model import Rubric, Settings
from fbcli.rules.stats import (
    GoalProgress,
    LevelPoint,
    Mark,
    Period,
    StudentStats,
    TutorFigures,
)

if TYPE_CHECKING:
    from rich.text import Text

LEVEL_COLOURS = ("cyan", "magenta", "yellow", "green", "blue", "red")
MARK_SYMBOLS = {"below": "▼", "above": "▲"}


def mark_symbol(mark: Mark | None) -> str:
    return MARK_SYMBOLS[mark] if mark else ""


def mark_style(mark: Mark | None) -> str:
    return "bold red" if mark else "green"


def gauge(
    value: float | None,
    band: tuple[float, float],
    top: float,
    *,
    width: int = 30,
    mark: Mark | None = None,
) -> Text:
    """A scale from 0 to ``top``: '─' outside the band, '═' inside, '●' the value."""
    from rich.text import Text

    top = max(top, band[1] * 1.5, (value or 0) * 1.1)
    cells = []
    for cell in range(width):
        middle = (cell + 0.5) * top / width
        cells.append("═" if band[0] <= middle <= band[1] else "─")
    text = Text()
    position = None
    if value is not None:
        position = max(0, math.ceil(value / top * width) - 1)
        inside = [cell for cell, char in enumerate(cells) if char == "═"]
        # The marker's side of the band follows the mark, whatever the rounding.
        if inside and mark == "below":
            position = min(position, inside[0] - 1)
        elif inside and mark == "above":
            position = max(position, inside[-1] + 1)
        elif inside:
            position = min(max(position, inside[0]), inside[-1])
        position = min(max(position, 0), width - 1)
    for cell, char in enumerate(cells):
        if cell == position:
            text.append("●", style=mark_style(mark))
        else:
            text.append(char, style="green" if char == "═" else "dim")
    return text


def stacked_bar(
    parts: Sequence[tuple[int, str, str]], total: int, *, width: int = 30
) -> Text:
    """One bar split into parts of (count, character, style), scaled to ``total``."""
    from rich.text import Text

    text = Text()
    if total <= 0:
        return text.append("·" * width, style="dim")
    used = 0
    shares = []
    for count, char, style in parts:
        cells = round(count / total * width)
        if count and not cells:
            cells = 1
        shares.append((cells, char, style))
        used += cells
    # Rounding may overshoot or fall short; the largest part absorbs it.
    largest = max(range(len(shares)), key=lambda i: shares[i][0])
    cells, char, style = shares[largest]
    shares[largest] = (max(0, cells + width - used), char, style)
    for cells, char, style in shares:
        text.append(char * cells, style=style)
    return text


def hbar(value: float, top: float, *, width: int = 20, style: str = "cyan") -> Text:
    """A horizontal bar in eighths of a cell."""
    from rich.text import Text

    eighths = " ▏▎▍▌▋▊▉"
    filled = 0.0 if top <= 0 else max(0.0, min(1.0, value / top)) * width
    whole = int(filled)
    rest = int((filled - whole) * 8)
    bar = "█" * whole + (eighths[rest] if rest and whole < width else "")
    return Text(bar.ljust(width), style=style)


def level_chart(
    parameter: str,
    points: Sequence[LevelPoint],
    before: int,
    *,
    lowest: int = 1,
    highest: int = 10,
    colour: str = "cyan",
    max_points: int = 20,
) -> Text:
    """A column per evaluated session, two levels per row: '█' both, '▄' the lower."""
    from rich.text import Text

    shown = list(points[-max_points:])
    levels = [before, *(point.level for point in shown)]
    rows = (highest - lowest) // 2 + 1
    now = levels[-1]
    change = now - before
    text = Text()
    text.append(f"{parameter.capitalize()}", style="bold")
    text.append(f"  {before} → {now}")
    if change:
        text.append(f" ({change:+d})", style="green" if change > 0 else "red")
    if len(points) > len(shown):
        text.append(f"  last {len(shown)} of {len(points)}", style="dim")
    text.append("\n")
    for row in range(rows, 0, -1):
        top_level = lowest + 2 * row - 1
        text.append(f"{top_level:>2} │", style="dim")
        for number, level in enumerate(levels):
            if level >= top_level:
                char = "█"
            elif level == top_level - 1:
                char = "▄"
            else:
                char = " "
            # The first column is the level before the period, drawn fainter.
            text.append(char, style="dim" if number == 0 else colour)
            text.append(" ")
        text.append("\n")
    text.append("   └" + "──" * len(levels), style="dim")
    if shown:
        first, last = _day(shown[0].start), _day(shown[-1].start)
        span = first if first == last else f"{first} → {last}"
        text.append(f"\n     {span}", style="dim")
    return text


def week_start(moment: datetime | date) -> date:
    day = moment.astimezone().date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def progress_strips(
    progress: Sequence[GoalProgress], first: date, last: date, *, width: int = 30
) -> tuple[list[Text], str]:
    """One strip per goal, one cell per week (or month if weeks do not fit).

    '·' no counted session in that week, '▄' one, '█' two or more.
    """
    from rich.text import Text

    start, end = week_start(first), week_start(max(first, last))
    by_month = (end - start).days // 7 + 1 > width

    def bucket(day: date) -> date:
        return day.replace(day=1) if by_month else week_start(day)

    buckets = [bucket(first if by_month else start)]
    while buckets[-1] < bucket(end):
        step = buckets[-1] + timedelta(days=32 if by_month else 7)
        buckets.append(bucket(step))
    buckets = buckets[-width:]
    strips = []
    for goal in progress:
        counts: dict[date, int] = {}
        for _, moment in goal.sessions:
            key = bucket(moment.astimezone().date())
            counts[key] = counts.get(key, 0) + 1
        strip = Text()
        for cell in buckets:
            count = counts.get(cell, 0)
            if count == 0:
                strip.append("·", style="dim")
            else:
                strip.append("▄" if count == 1 else "█", style="green")
        strips.append(strip)
    unit, since = (
        ("month", f"{buckets[0]:%b %Y}")
        if by_month
        else ("week", f"{buckets[0]:%d %b %Y}")
    )
    legend = f"One cell per {unit} from {since}: · none, ▄ one counted session, █ more."
    return strips, legend


# Screens: what `fbcli stats` draws.


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}".replace(".0%", "%")


def _number(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:.1f}{unit}"


def _band_words(mark: Mark | None, band: str, below: str, above: str) -> Text:
    from rich.text import Text

    if mark == "below":
        return Text(f"▼ {below} (band {band})", style="bold red")
    if mark == "above":
        return Text(f"▲ {above} (band {band})", style="bold red")
    return Text(f"within {band}", style="green")


def _period_words(period: Period, now: datetime) -> str:
    def day(value: date) -> str:
        return value.strftime("%d %b %Y")

    if period.since and period.until:
        return f"sessions from {day(period.since)} to {day(period.until)}"
    if period.since:
        return f"sessions since {day(period.since)}"
    if period.until:
        return f"sessions up to {day(period.until)}"
    return f"all sessions up to {day(now.astimezone().date())}"


def _outcome_bar(figures: TutorFigures, width: int) -> Text:
    other = figures.not_completed - figures.unattended
    return stacked_bar(
        [
            (figures.completed, "█", "green"),
            (figures.unattended, "▒", "yellow"),
            (other, "░", "red"),
            (figures.pending, "·", "bold"),
        ],
        figures.taught,
        width=width,
    )


def _bands(settings: Settings) -> tuple[str, str]:
    low, high = settings.badge_band
    great = f"{low * 100:g}-{high:.0%}"
    fewest, most = settings.doing_great_band
    return great, f"{fewest}-{most}"


def draw_tutors(
    tutors: Sequence[TutorFigures],
    period: Period,
    now: datetime,
    settings: Settings,
    *,
    many: bool,
) -> None:
    from fbcli.output import stdout

    console = stdout()
    if not tutors:
        console.print("No tutors match.")
        return
    if many or len(tutors) > 1:
        _draw_many(tutors, period, now, settings)
        return
    _draw_one(tutors[0], period, now, settings)


def _draw_one(
    figures: TutorFigures, period: Period, now: datetime, settings: Settings
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from fbcli.output import inert, plain, stdout

    great_band, between_band = _bands(settings)
    between = figures.sessions_between_awards
    great_words = (
        _band_words(figures.great_work_mark, great_band, "too few", "too many")
        if figures.great_work_rate is not None
        else Text("no completed sessions", "dim")
    )
    between_words = (
        _band_words(figures.doing_great_mark, between_band, "too often", "too rare")
        if between is not None
        else Text("no award yet", "dim")
    )
    # The charts share what the labels and values leave, beside the band's words.
    words = max(len(great_words), len(between_words))
    width = max(10, min(30, stdout().width - 45 - words))
    title = (
        f"{inert(figures.name)} ({inert(figures.tutor)}): {_period_words(period, now)}"
    )
    table = Table(
        title=title, box=box.SIMPLE_HEAD, title_justify="left", show_header=False
    )
    table.add_column("Figure", style="bold")
    table.add_column("Value", justify="right")
    table.add_column("Chart")
    taught = figures.taught
    table.add_row("Sessions taught", str(taught), _outcome_bar(figures, width))
    share = f" ({figures.completed / taught:.0%})" if taught else ""
    table.add_row("  completed", f"{figures.completed}{share}", Text("█", "green"))
    table.add_row("  unattended", str(figures.unattended), Text("▒", "yellow"))
    reasons = figures.not_completed_by_reason
    others = " · ".join(
        f"{reason} {count}"
        for reason, count in reasons.items()
        if reason != "student-absent"
    )
    table.add_row(
        "  other not completed",
        str(figures.not_completed - figures.unattended),
        Text("░ ", "red").append(others, style="default"),
    )
    overdue = figures.pending_overdue
    pending_note = Text("· ", "bold")
    if overdue:
        pending_note.append(
            f"{overdue} past the {settings.deadline_hours}-hour deadline", "bold red"
        )
    table.add_row("  pending feedback", str(figures.pending), pending_note)
    table.add_section()
    table.add_row(
        "Great work badges",
        f"{figures.great_work} of {figures.completed}",
        None,
    )
    table.add_row(
        "  rate",
        Text(
            f"{_percent(figures.great_work_rate)} {mark_symbol(figures.great_work_mark)}".strip(),
            style=mark_style(figures.great_work_mark)
            if figures.great_work_rate is not None
            else "",
        ),
        gauge(
            figures.great_work_rate,
            settings.badge_band,
            0.4,
            width=width,
            mark=figures.great_work_mark,
        )
        .append("  ")
        .append_text(great_words),
    )
    award_due = (
        Text(
            f"{_count_of(figures.overdue_students, 'student')} at "
            f"{settings.doing_great_band[1]}+ sessions without one",
            "yellow",
        )
        if figures.overdue_students
        else None
    )
    table.add_row("Doing great awards", str(figures.doing_great_awards), award_due)
    table.add_row(
        "  sessions between",
        Text(
            f"{_number(between)} {mark_symbol(figures.doing_great_mark)}".strip(),
            style=mark_style(figures.doing_great_mark) if between is not None else "",
        ),
        gauge(
            between,
            (float(settings.doing_great_band[0]), float(settings.doing_great_band[1])),
            20.0,
            width=width,
            mark=figures.doing_great_mark,
        )
        .append("  ")
        .append_text(between_words),
    )
    table.add_section()
    late = Text(f"{figures.late} of {figures.feedback_given}")
    table.add_row(
        f"Feedback late (> {settings.deadline_hours} h)",
        late,
        hbar(figures.late, figures.feedback_given, width=width, style="red"),
    )
    table.add_row(
        "Median time to feedback",
        _number(figures.median_hours_to_feedback, " h"),
        Text("from session end to first feedback", "dim"),
    )
    platforms = Text()
    for name, platform in figures.platforms.items():
        if platforms:
            platforms.append(" · ")
        platforms.append(f"{plain(name)} {platform.tech_issues}/{platform.sessions}")
    table.add_row("Tech issues", str(figures.tech_issues), platforms)
    stdout().print(table)


def _draw_many(
    tutors: Sequence[TutorFigures], period: Period, now: datetime, settings: Settings
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from fbcli.output import inert, stdout

    console = stdout()
    great_band, between_band = _bands(settings)
    table = Table(
        title=f"{len(tutors)} tutors: {_period_words(period, now)}",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
        padding=(0, 1) if console.width >= 100 else (0, 0),
        caption=f"Great work: badges per completed session (band {great_band}). "
        f"Between awards: sessions between doing-great awards (band {between_band}). "
        "▲ ▼ above or below the band. Pending (overdue): awaiting feedback (past "
        "the deadline). Median hours from a session's end to its feedback.",
        caption_justify="left",
        caption_style="dim",
    )
    for name, justify in (
        ("Tutor", "left"),
        ("Taught", "right"),
        ("Done", "right"),
        ("Unat-\ntended", "right"),
        ("Other\nnot done", "right"),
        ("Pending\n(overdue)", "right"),
        ("Late", "right"),
        ("Great\nwork", "right"),
        ("Between\nawards", "right"),
        ("Median\nhours", "right"),
        ("Tech\nissues", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for figures in tutors:
        table.add_row(
            inert(figures.tutor),
            str(figures.taught),
            str(figures.completed),
            str(figures.unattended),
            str(figures.not_completed - figures.unattended),
            Text(
                f"{figures.pending} ({figures.pending_overdue})",
                style="bold red" if figures.pending_overdue else "",
            ),
            Text(str(figures.late), style="red" if figures.late else ""),
            _marked(_percent(figures.great_work_rate), figures.great_work_mark),
            _marked(_number(figures.sessions_between_awards), figures.doing_great_mark),
            _number(figures.median_hours_to_feedback),
            str(figures.tech_issues),
        )
    console.print(table)

    charts = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    charts.add_column("Tutor")
    charts.add_column(f"Great work rate (═ band {great_band})")
    charts.add_column(f"Sessions between awards (═ {between_band})")
    width = max(10, min(30, (console.width - 20) // 2 - 8))
    doing_great_band = (
        float(settings.doing_great_band[0]),
        float(settings.doing_great_band[1]),
    )
    for figures in tutors:
        between = figures.sessions_between_awards
        charts.add_row(
            inert(figures.tutor),
            gauge(
                figures.great_work_rate,
                settings.badge_band,
                0.4,
                width=width,
                mark=figures.great_work_mark,
            ).append(f" {_percent(figures.great_work_rate):>6}"),
            gauge(
                between,
                doing_great_band,
                20.0,
                width=width,
                mark=figures.doing_great_mark,
            ).append(f" {_number(between):>5}"),
        )
    console.print(charts)
    marks = sum(bool(f.great_work_mark) + bool(f.doing_great_mark) for f in tutors)
    if marks:
        console.print(
            Text(
                f"▲ above, ▼ below the school's band: {_count_of(marks, 'mark')}",
                style="dim",
            )
        )


def _marked(text: str, mark: Mark | None) -> Text:
    from rich.text import Text

    if not mark:
        return Text(text)
    return Text(f"{text} {mark_symbol(mark)}", style="bold red")


def draw_student(
    stats: StudentStats,
    period: Period,
    now: datetime,
    settings: Settings,
    rubric: Rubric,
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from fbcli.output import inert, plain, stdout

    console = stdout()
    student = stats.student
    console.print(
        Text.assemble(
            (plain(f"{student.name} ({student.id})"), "bold"),
            f": {_period_words(period, now)}",
        )
    )
    other = stats.count("not-completed", "dismissal-requested") - stats.unattended
    console.print(
        f"{stats.taught} taught, {stats.count('completed')} completed, "
        f"{stats.unattended} unattended, {other} other not completed, "
        f"{stats.count('pending')} awaiting feedback"
    )

    console.print()
    console.rule("Levels", align="left", style="dim")
    per_row = 2 if console.width >= 72 else 1
    room = max(5, (console.width // per_row - 10) // 2)
    charts = [
        level_chart(
            parameter,
            points,
            stats.start_levels[parameter],
            lowest=rubric.lowest,
            highest=rubric.highest,
            colour=LEVEL_COLOURS[number % len(LEVEL_COLOURS)],
            max_points=room,
        )
        for number, (parameter, points) in enumerate(stats.levels.items())
    ]
    grid = Table.grid(padding=(0, 4))
    for _ in range(per_row):
        grid.add_column()
    for row in range(0, len(charts), per_row):
        grid.add_row(*charts[row : row + per_row])
        if row + per_row < len(charts):
            grid.add_row()
    console.print(grid)
    console.print(
        Text(
            "First (faint) column: the level before the period; then one column "
            "per evaluated session.",
            style="dim",
        )
    )

    console.print()
    console.rule("Progress graph", align="left", style="dim")
    counted = [goal for goal in stats.progress if goal.sessions or goal.in_plan_now]
    if counted:
        moments = [moment for goal in counted for _, moment in goal.sessions]
        first = period.since or (min(moments).date() if moments else now.date())
        last = period.until or now.astimezone().date()
        strips, unit = progress_strips(
            counted, first, last, width=max(8, console.width - 60)
        )
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("Goal")
        table.add_column("Plan")
        table.add_column("Sessions", justify="right")
        table.add_column("Over time")
        for goal, strip in zip(counted, strips, strict=True):
            table.add_row(
                inert(goal.title),
                "now" if goal.in_plan_now else Text("earlier", "dim"),
                str(len(goal.sessions)),
                strip,
            )
        console.print(table)
        console.print(Text(unit, style="dim"))
    else:
        console.print("No study plan and no counted sessions.")
    if stats.outside_plan:
        console.print(
            Text(
                f"{_count_of(stats.outside_plan, 'completed session')} "
                f"{'was' if stats.outside_plan == 1 else 'were'} on goals outside "
                "the plan at the time and did not count.",
                style="yellow",
            )
        )
    if stats.plan_now:
        covered = len(stats.covered_goals)
        coverage = Text(f"Plan coverage: {covered} of {len(stats.plan_now)} goals ")
        coverage.append_text(
            hbar(covered, len(stats.plan_now), width=20, style="green")
        )
        coverage.append(f" {_percent(stats.coverage)}")
        console.print(coverage)

    console.print()
    console.rule("Badges and awards", align="left", style="dim")
    badges = ", ".join(f"{_day(a.start)} ({a.tutor})" for a in stats.great_work)
    console.print(
        Text.assemble(
            ("Great work badges: ", "bold"),
            f"{len(stats.great_work)}" + (f": {badges}" if badges else ""),
        )
    )
    awards = ", ".join(
        f"{a.area} {_day(a.start)} ({a.tutor})" for a in stats.doing_great
    )
    line = Text.assemble(
        ("Doing great awards: ", "bold"),
        f"{len(stats.doing_great)}" + (f": {awards}" if awards else ""),
    )
    between = stats.sessions_between_awards
    if between is not None:
        line.append(f"; every {between:.1f} sessions on average")
    if stats.overdue:
        line.append(
            f"; none in the last {stats.sessions_since_award} sessions", "yellow"
        )
    console.print(line)


def _count_of(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _day(moment: datetime) -> str:
    return moment.astimezone().strftime("%d %b")
