"""fbcli stats on a small school whose figures were worked out by hand.

Ana taught Lea (ST-1) and Omar (ST-2); Ben taught Lea once. Olga is an admin.
Every feedback carries the same focus and note, words that no student
report may ever contain.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fbcli.rules.model import Feedback, PlanChange, parse_time
from fbcli.store import open_store
from tests.conftest import Runner, StoreHandle

pytestmark = pytest.mark.every_backend

FOCUS = "Zq-focus-7731"
NOTE = "tutor-only-note-5120"

EXPORT = {
    "tutors": [
        {"id": "ana", "name": "Ana Silva"},
        {"id": "ben", "name": "Ben Okafor"},
        {"id": "olga", "name": "Olga Ivanova", "role": "admin"},
    ],
    "students": [
        {"id": "ST-1", "name": "Lea Martin", "levels": {"fluency": 5}},
        {"id": "ST-2", "name": "Omar Haddad"},
    ],
    "sessions": [
        {
            "id": "S-9",
            "tutor": "ana",
            "student": "ST-1",
            "start": "2026-10-15T10:00:00+00:00",
        },
        {
            "id": "S-1",
            "tutor": "ana",
            "student": "ST-1",
            "start": "2026-11-02T10:00:00+00:00",
        },
        {
            "id": "S-2",
            "tutor": "ana",
            "student": "ST-1",
            "start": "2026-11-03T10:00:00+00:00",
        },
        {
            "id": "S-3",
            "tutor": "ana",
            "student": "ST-1",
            "start": "2026-11-04T10:00:00+00:00",
        },
        {
            "id": "S-4",
            "tutor": "ana",
            "student": "ST-2",
            "start": "2026-11-05T10:00:00+00:00",
        },
        {
            "id": "S-5",
            "tutor": "ana",
            "student": "ST-2",
            "start": "2026-11-06T10:00:00+00:00",
        },
        {
            "id": "S-10",
            "tutor": "ben",
            "student": "ST-1",
            "start": "2026-11-10T10:00:00+00:00",
        },
        {
            "id": "S-7",
            "tutor": "ana",
            "student": "ST-1",
            "start": "2026-11-20T10:00:00+00:00",
        },
        {
            "id": "S-6",
            "tutor": "ana",
            "student": "ST-2",
            "start": "2026-11-29T10:00:00+00:00",
        },
        {
            "id": "S-8",
            "tutor": "ana",
            "student": "ST-1",
            "start": "2026-12-02T10:00:00+00:00",
        },
    ],
}


def feedback(
    session: str, tutor: str, given: str, *, completed: bool = True, **fields: Any
) -> Feedback:
    content = {"focus": FOCUS, "note": NOTE} if completed else {"note": NOTE}
    return Feedback(
        session=session,
        tutor=tutor,
        given_at=parse_time(given),
        completed=completed,
        **(content | fields),
    )


FEEDBACK = [
    feedback(
        "S-9",
        "ana",
        "2026-10-15T11:30:00+00:00",
        platform="zoom",
        goal="articles",
        evaluation={"fluency": 5},
        language_seen="a, an, the",
        follow_up="more articles",
    ),
    feedback(
        "S-1",
        "ana",
        "2026-11-02T11:00:00+00:00",
        platform="zoom",
        goal="articles",
        great_work=True,
        evaluation={"fluency": 6},
        language_seen="the with rivers",
        follow_up="zero article",
        comments="Great progress today!",
    ),
    feedback(
        "S-2",
        "ana",
        "2026-11-05T11:00:00+00:00",
        platform="Google Meet",
        tech_issues=True,
        goal="articles",
        evaluation={"fluency": 6},
        language_seen="no article with meals",
        follow_up="third conditional",
    ),
    feedback(
        "S-3",
        "ana",
        "2026-11-04T10:45:00+00:00",
        completed=False,
        reason="student-absent",
        student_missed=True,
    ),
    feedback(
        "S-4", "ana", "2026-11-05T12:30:00+00:00", completed=False, reason="emergency"
    ),
    feedback(
        "S-5",
        "ana",
        "2026-11-06T12:30:00+00:00",
        platform="zoom",
        goal="idioms",
        doing_great="grammar",
    ),
    feedback(
        "S-5",
        "ana",
        "2026-11-20T09:00:00+00:00",
        version=2,
        platform="zoom",
        goal="idioms",
        doing_great="grammar",
    ),
    feedback(
        "S-10",
        "ben",
        "2026-11-10T11:30:00+00:00",
        platform='=HYPERLINK("http://x")',
        tech_issues=True,
        goal="third-conditional",
        evaluation={"fluency": 7},
        language_seen="if I had known",
        follow_up="mixed conditionals",
    ),
]


def plan_change(goal: str, action: str, at: str) -> PlanChange:
    return PlanChange("ST-1", goal, action, parse_time(at), "ana")  # type: ignore[arg-type]


PLAN = [
    plan_change("articles", "add", "2026-11-01T00:00:00+00:00"),
    plan_change("third-conditional", "add", "2026-11-15T00:00:00+00:00"),
]


@pytest.fixture
def school(cli: Runner, store_path: StoreHandle, tmp_path: Path) -> StoreHandle:
    export = tmp_path / "export.json"
    export.write_text(json.dumps(EXPORT))
    assert cli("init").code == 0
    assert cli("import", str(export)).code == 0
    with open_store(str(store_path), write=True) as store:
        store.add_feedback(FEEDBACK)
        store.add_plan_changes(PLAN)
    return store_path


def stats_json(cli: Runner, *args: str) -> dict[str, Any]:
    result = cli(*args, "--format", "json")
    assert result.code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


ANA_ALL_TIME = {
    "tutor": "ana",
    "name": "Ana Silva",
    "sessions": {
        "taught": 8,
        "completed": 4,
        "not_completed": 2,
        "unattended": 1,
        "dismissal_requested": 1,
        "pending": 2,
    },
    "not_completed_by_reason": {
        "student-absent": 1,
        "student-tech": 0,
        "server-down": 0,
        "emergency": 1,
    },
    "tech_issues": {
        "total": 1,
        "by_platform": {
            "zoom": {"sessions": 3, "tech_issues": 0},
            "Google Meet": {"sessions": 1, "tech_issues": 1},
            "(no platform)": {"sessions": 2, "tech_issues": 0},
        },
    },
    "great_work": {"badges": 1, "completed": 4, "rate": 0.25, "mark": "above"},
    "doing_great": {
        "awards": 1,
        "sessions_between_awards": 1.0,
        "mark": "below",
        "overdue_students": 0,
    },
    "feedback": {
        "given": 6,
        "late": 1,
        "pending": 2,
        "pending_overdue": 1,
        "median_hours_to_feedback": 1.5,
    },
}


def test_a_tutor_sees_their_own_figures(cli: Runner, school: StoreHandle) -> None:
    document = stats_json(cli, "--as", "ana", "stats")

    assert document["version"] == 1
    assert document["kind"] == "tutors"
    assert document["tutors"] == [ANA_ALL_TIME]


def test_the_period_is_inclusive_on_session_start(
    cli: Runner, school: StoreHandle
) -> None:
    document = stats_json(
        cli, "--as", "ana", "stats", "--since", "2026-11-01", "--until", "2026-11-29"
    )

    ana = document["tutors"][0]
    assert document["period"] == {"since": "2026-11-01", "until": "2026-11-29"}
    assert ana["sessions"]["taught"] == 7
    assert ana["great_work"] == {
        "badges": 1,
        "completed": 3,
        "rate": 0.3333,
        "mark": "above",
    }
    assert ana["feedback"]["median_hours_to_feedback"] == 2.0


def test_an_admin_sees_every_tutor(cli: Runner, school: StoreHandle) -> None:
    document = stats_json(cli, "--as", "olga", "stats", "--all")

    tutors = {t["tutor"]: t for t in document["tutors"]}
    assert list(tutors) == ["ana", "ben"]
    assert tutors["ana"] == ANA_ALL_TIME
    assert tutors["ben"]["sessions"]["taught"] == 1
    assert tutors["ben"]["tech_issues"]["total"] == 1


def test_an_admin_sees_one_tutor_by_name(cli: Runner, school: StoreHandle) -> None:
    document = stats_json(cli, "--as", "olga", "stats", "--tutor", "Ben Okafor")

    assert [t["tutor"] for t in document["tutors"]] == ["ben"]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--all",), id="all"),
        pytest.param(("--tutor", "ana"), id="another-tutor"),
        pytest.param(("--tutor", "Ana Silva"), id="another-tutor-by-name"),
        pytest.param(("--tutor", "Anna Silva"), id="an-unknown-tutor"),
        pytest.param(("--student", "ST-2"), id="a-student-they-never-taught"),
    ],
)
def test_a_tutor_is_refused_what_is_not_theirs(
    cli: Runner, school: StoreHandle, args: tuple[str, ...]
) -> None:
    result = cli("--as", "ben", "stats", *args)

    assert result.code == 4
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert "did you mean" not in result.stderr


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("ana", id="id"),
        pytest.param("Ana Silva", id="name"),
        pytest.param("ana silva", id="name-in-another-case"),
    ],
)
def test_a_tutor_may_name_themselves(
    cli: Runner, school: StoreHandle, name: str
) -> None:
    document = stats_json(cli, "--as", "ana", "stats", "--tutor", name)

    assert document["tutors"] == [ANA_ALL_TIME]


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        pytest.param(("--tutor", "bne"), "ben", id="tutor"),
        pytest.param(("--student", "ST-3"), "ST-1", id="student"),
        pytest.param(("--student", "Lea Martinn"), "Lea Martin", id="student-name"),
    ],
)
def test_unknown_names_are_not_found_with_close_matches(
    cli: Runner, school: StoreHandle, args: tuple[str, ...], suggestion: str
) -> None:
    result = cli("--as", "olga", "stats", *args)

    assert result.code == 3
    assert suggestion in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--all", "--student", "ST-1"), id="all-and-student"),
        pytest.param(("--for-student",), id="for-student-alone"),
        pytest.param(("--since", "2026-13-01"), id="bad-date"),
        pytest.param(("--since", "2026-11-02", "--until", "2026-11-01"), id="reversed"),
        pytest.param(("--output", "figures.txt"), id="output-without-format"),
    ],
)
def test_bad_command_lines_exit_2(
    cli: Runner, school: StoreHandle, args: tuple[str, ...]
) -> None:
    result = cli("--as", "olga", "stats", *args)

    assert result.code == 2


def test_student_figures_for_a_tutor_who_taught_them(
    cli: Runner, school: StoreHandle
) -> None:
    document = stats_json(cli, "--as", "ben", "stats", "--student", "ST-1")

    assert document["kind"] == "student"
    assert document["sessions_summary"] == {
        "taught": 6,
        "completed": 4,
        "not_completed": 1,
        "unattended": 1,
        "dismissal_requested": 0,
        "pending": 1,
        "upcoming": 1,
    }
    fluency = document["levels"]["fluency"]
    assert (fluency["before"], fluency["now"]) == (5, 7)
    assert [p["level"] for p in fluency["points"]] == [5, 6, 6, 7]
    goals = {
        g["goal"]: [s["session"] for s in g["sessions"]]
        for g in document["progress"]["goals"]
    }
    assert goals == {"articles": ["S-1", "S-2"], "third-conditional": []}
    assert document["progress"]["outside_plan"] == 2
    assert document["plan"] == {
        "goals": ["articles", "third-conditional"],
        "covered": ["articles"],
        "coverage": 0.5,
    }
    assert [a["session"] for a in document["awards"]["great_work"]] == ["S-1"]


def test_tutor_csv_has_one_row_per_tutor_and_neutralises_formulas(
    cli: Runner, school: StoreHandle
) -> None:
    result = cli("--as", "olga", "stats", "--all", "--format", "csv")

    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.code == 0
    assert [row["tutor"] for row in rows] == ["ana", "ben"]
    assert rows[0]["great_work_rate"] == "0.25"
    assert rows[0]["great_work_mark"] == "above"
    assert rows[1]["tech_issues_by_platform"] == '\'=HYPERLINK("http://x") 1/1'


def test_student_csv_has_one_row_per_session(cli: Runner, school: StoreHandle) -> None:
    result = cli("--as", "olga", "stats", "--student", "ST-1", "--format", "csv")

    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["session"] for row in rows] == [
        "S-9",
        "S-1",
        "S-2",
        "S-3",
        "S-10",
        "S-7",
        "S-8",
    ]
    assert rows[4]["platform"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["counted"] == "true"
    assert rows[4]["counted"] == "false"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("stats", "--student", "ST-1", "--for-student"), id="report"),
        pytest.param(("stats", "--student", "ST-1", "--format", "json"), id="json"),
        pytest.param(("stats", "--student", "ST-1", "--format", "csv"), id="csv"),
        pytest.param(("stats", "--student", "ST-1"), id="table"),
    ],
)
def test_no_student_view_shows_the_focus_or_a_note(
    cli: Runner, school: StoreHandle, args: tuple[str, ...]
) -> None:
    result = cli("--as", "olga", *args)

    assert result.code == 0
    assert FOCUS not in result.stdout + result.stderr
    assert NOTE not in result.stdout + result.stderr


def test_the_student_report_has_goals_levels_and_comments(
    cli: Runner, school: StoreHandle
) -> None:
    result = cli("--as", "ana", "stats", "--student", "Lea Martin", "--for-student")

    report = result.stdout
    assert report.startswith("# Your progress report, Lea Martin\n")
    assert "- [x] Articles" in report
    assert "| Fluency | 5 | 7 | +2 |" in report
    assert "Great progress today!" in report
    assert "if I had known" in report


def test_output_is_written_once_and_never_replaced_without_force(
    cli: Runner, school: StoreHandle, tmp_path: Path
) -> None:
    target = tmp_path / "nov.csv"

    first = cli("--as", "olga", "stats", "--all", "--output", str(target))
    written = target.read_text()
    again = cli(
        "--as", "olga", "stats", "--all", "--since", "2026-11-20", "-o", str(target)
    )
    forced = cli(
        "--as",
        "olga",
        "stats",
        "--all",
        "--since",
        "2026-11-20",
        "-o",
        str(target),
        "--force",
    )

    assert first.code == 0
    assert first.stdout == ""
    assert written.startswith("tutor,name,taught")
    assert again.code == 1
    assert "--force" in again.stderr
    assert forced.code == 0
    assert target.read_text() != written
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".nov")) == []


def test_the_table_shows_marks_and_charts(cli: Runner, school: StoreHandle) -> None:
    result = cli("--as", "ana", "stats")

    assert result.code == 0
    assert "Ana Silva (ana)" in result.stdout
    assert "25% ▲" in result.stdout
    assert "●" in result.stdout


def test_the_student_table_draws_levels_and_progress(
    cli: Runner, school: StoreHandle
) -> None:
    result = cli("--as", "olga", "stats", "--student", "ST-1")

    assert result.code == 0
    assert "Fluency  5 → 7 (+2)" in result.stdout
    assert "Progress graph" in result.stdout
    assert "Plan coverage: 1 of 2 goals" in result.stdout


def test_stats_json_does_not_import_rich(school: StoreHandle) -> None:
    code = (
        "import sys; from fbcli.cli import run; "
        "code = run(['--as', 'ana', 'stats', '--format', 'json']); "
        "sys.stderr.write(str(sorted(m for m in sys.modules if m.startswith('rich')))); "
        "sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=60,
    )

    assert done.returncode == 0
    assert done.stderr.endswith("[]")


def test_every_demo_tutors_sessions_add_up(
    cli: Runner, demo_store: StoreHandle
) -> None:
    document = stats_json(cli, "--as", "olga", "stats", "--all")

    tutors = {t["tutor"]: t["sessions"] for t in document["tutors"]}
    assert {"maria", "tom", "aisha"} <= set(tutors)
    for sessions in tutors.values():
        parts = sessions["completed"] + sessions["not_completed"] + sessions["pending"]
        assert sessions["taught"] == parts


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--as", "maria", "stats"), id="own"),
        pytest.param(("--as", "olga", "stats", "--all"), id="all"),
        pytest.param(("--as", "olga", "stats", "--student", "ST-101"), id="student"),
    ],
)
@pytest.mark.parametrize("columns", [80, 100])
def test_demo_tables_fit_the_terminal_without_cutting_words(
    cli_process: Runner, demo_store: StoreHandle, args: tuple[str, ...], columns: int
) -> None:
    result = cli_process(*args, extra_env={"COLUMNS": str(columns)})

    assert result.code == 0
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= columns
    assert "…" not in result.stdout


def one_tutors_run(
    cli: Runner,
    store_path: StoreHandle,
    tmp_path: Path,
    count: int,
    badges: set[int],
    awards: set[int],
) -> None:
    """``count`` completed sessions of one tutor with one student, a day apart."""
    sessions = [
        {
            "id": f"E-{n}",
            "tutor": "ana",
            "student": "ST-1",
            "start": f"2026-11-{n + 1:02d}T10:00:00+00:00",
        }
        for n in range(count)
    ]
    export = tmp_path / "run.json"
    export.write_text(json.dumps({**EXPORT, "sessions": sessions}))
    assert cli("init").code == 0
    assert cli("import", str(export)).code == 0
    with open_store(str(store_path), write=True) as store:
        store.add_feedback(
            feedback(
                f"E-{n}",
                "ana",
                f"2026-11-{n + 1:02d}T11:00:00+00:00",
                platform="zoom",
                goal="articles",
                great_work=n in badges,
                doing_great="grammar" if n in awards else None,
            )
            for n in range(count)
        )


@pytest.mark.parametrize(
    ("count", "badges", "awards", "great_work", "doing_great"),
    [
        pytest.param(
            10, {0}, {9}, (0.1, None), (10.0, None), id="exactly-10%-and-10-sessions"
        ),
        pytest.param(
            10,
            {0, 1},
            {4, 9},
            (0.2, None),
            (5.0, None),
            id="exactly-20%-and-5-sessions",
        ),
        pytest.param(
            11, {0}, {10}, (0.0909, "below"), (11.0, "above"), id="9.1%-and-11-sessions"
        ),
        pytest.param(
            14,
            {0, 1, 2},
            {3, 7, 11},
            (0.2143, "above"),
            (4.0, "below"),
            id="21.4%-and-4",
        ),
        pytest.param(
            10, {0}, set(), (0.1, None), (11.0, "above"), id="10-sessions-no-award"
        ),
        pytest.param(
            20,
            {0, 1},
            {4, 9},
            (0.1, None),
            (7.0, None),
            id="5-5-and-10-since-the-last",
        ),
    ],
)
def test_band_marks_at_and_beyond_the_edges(
    cli: Runner,
    store_path: StoreHandle,
    tmp_path: Path,
    count: int,
    badges: set[int],
    awards: set[int],
    great_work: tuple[float, str | None],
    doing_great: tuple[float, str | None],
) -> None:
    one_tutors_run(cli, store_path, tmp_path, count, badges, awards)

    ana = stats_json(cli, "--as", "ana", "stats")["tutors"][0]
    table = cli("--as", "ana", "stats").stdout

    assert (ana["great_work"]["rate"], ana["great_work"]["mark"]) == great_work
    assert (
        ana["doing_great"]["sessions_between_awards"],
        ana["doing_great"]["mark"],
    ) == doing_great
    marks = {great_work[1], doing_great[1]} - {None}
    assert ("▲" in table) == ("above" in marks)
    assert ("▼" in table) == ("below" in marks)
    assert table.count("within") == 2 - len(marks)


def test_json_is_the_same_as_format_json(cli: Runner, school: StoreHandle) -> None:
    short = cli("--as", "ana", "stats", "--json")
    long = cli("--as", "ana", "stats", "--format", "json")

    assert short.code == 0
    assert json.loads(short.stdout) == json.loads(long.stdout)
    assert cli("--as", "ana", "stats", "--json", "--format", "csv").code == 2


def test_the_student_report_goes_to_a_file_once(
    cli: Runner, school: StoreHandle, tmp_path: Path
) -> None:
    report = tmp_path / "lea.md"
    args = ("--as", "ana", "stats", "--student", "ST-1", "--for-student")

    first = cli(*args, "--output", str(report))
    written = report.read_text()
    again = cli(*args, "--output", str(report))

    assert first.code == 0
    assert first.stdout == ""
    assert written.startswith("# Your progress report, Lea Martin\n")
    assert FOCUS not in written and NOTE not in written
    assert again.code == 1
    assert report.read_text() == written


def test_a_student_without_an_award_for_10_sessions_is_shown(
    cli: Runner, store_path: StoreHandle, tmp_path: Path
) -> None:
    one_tutors_run(cli, store_path, tmp_path, 12, {0}, {1})

    tutor = stats_json(cli, "--as", "ana", "stats")["tutors"][0]
    rows = list(
        csv.DictReader(
            io.StringIO(cli("--as", "ana", "stats", "--format", "csv").stdout)
        )
    )
    table = cli("--as", "ana", "stats").stdout
    student = stats_json(cli, "--as", "ana", "stats", "--student", "ST-1")
    student_table = cli("--as", "ana", "stats", "--student", "ST-1").stdout

    # One gap of 2 closed, then 10 sessions without an award: (2 + 11) / 2.
    assert tutor["doing_great"] == {
        "awards": 1,
        "sessions_between_awards": 6.5,
        "mark": None,
        "overdue_students": 1,
    }
    assert rows[0]["doing_great_overdue_students"] == "1"
    assert "1 student at 10+ sessions without one" in table
    assert student["awards"]["sessions_between_awards"] == 6.5
    assert student["awards"]["sessions_since_award"] == 10
    assert "none in the last 10 sessions" in student_table
