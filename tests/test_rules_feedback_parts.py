"""The parts of the feedback rules: focus, levels, awards and file rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fbcli.errors import BadUsage, NotAllowed, NotFound
from fbcli.rules.awards import BadgeLedger
from fbcli.rules.evaluation import LevelOutOfScale, apply_move, parse_evaluation
from fbcli.rules.feedback import Answers
from fbcli.rules.feedback_rows import Problem, read_rows, shared_exit_code
from fbcli.rules.focus import FocusTooLong, abbreviate, check_focus
from fbcli.rules.history import has_stagnated, level_history
from fbcli.rules.model import Feedback, Rubric, Session, Student

RUBRIC = Rubric(("fluency",), lowest=1, highest=10, start=5)
WORD = re.compile(r"[^\W_]+")
# Digits str.isdigit() takes that are not 0-9: superscript, Arabic-Indic,
# Devanagari, fullwidth, mathematical bold.
UNICODE_DIGITS = ["²", "٣", "१", "\uff15", "\U0001d7d7", "1²"]


# The focus abbreviation.


@pytest.mark.parametrize(
    ("text", "short"),
    [
        pytest.param("present perfect continuous", "Pres Perfect Cont", id="guide"),
        pytest.param("Phrasal verbs", "Phrasal verbs", id="fits"),
        pytest.param(
            "business vocabulary for meetings",
            "Biz Vocab For Meet",
            id="short-forms",
        ),
        pytest.param(
            "Passive voice across tenses", "Pass Voice Acro Tens", id="cut-longest"
        ),
    ],
)
def test_abbreviate_examples(text: str, short: str) -> None:
    assert abbreviate(text, 20) == short


@given(st.text(max_size=200), st.integers(min_value=1, max_value=40))
def test_abbreviation_never_exceeds_the_limit(text: str, limit: int) -> None:
    assert len(abbreviate(text, limit)) <= limit


@given(st.text(max_size=200))
def test_abbreviation_is_deterministic(text: str) -> None:
    assert abbreviate(text) == abbreviate(text)


@given(
    st.lists(
        st.text(
            alphabet=st.characters(categories=["Ll", "Lu"]), min_size=1, max_size=15
        ),
        min_size=1,
        max_size=10,
    )
)
def test_abbreviation_keeps_word_initials_in_order(words: list[str]) -> None:
    text = " ".join(words)

    short = abbreviate(text, 20)

    initials = [w[0].casefold() for w in WORD.findall(text)]
    assert [w[0].casefold() for w in short.split()] == initials


def test_focus_is_checked_after_spaces_are_tidied() -> None:
    assert check_focus("  Pres   Perf  Cont ", 20) == "Pres Perf Cont"


@pytest.mark.parametrize(
    ("text", "short"),
    [
        pytest.param("!" * 30, "!" * 20, id="punctuation"),
        pytest.param("😀" * 22, "😀" * 20, id="emoji"),
        pytest.param("-- -- -- -- -- -- -- --", "-- -- -- -- -- -- --", id="spaced"),
        pytest.param("!" * 19 + " !!!", "!" * 19, id="no-trailing-space"),
        pytest.param("👍🏽" * 11, "👍🏽" * 10, id="skin-tone-kept-whole"),
        pytest.param("!" * 19 + "👩‍💻", "!" * 19, id="joined-emoji-not-split"),
        pytest.param("-" * 19 + "-\u0301" * 3, "-" * 19, id="mark-kept-on-its-base"),
    ],
)
def test_abbreviation_of_a_text_without_letters_is_a_cut(text: str, short: str) -> None:
    assert abbreviate(text, 20) == short


@given(
    st.text(min_size=21, max_size=200).filter(lambda text: not text.isspace()),
)
def test_abbreviation_of_a_long_text_is_never_empty(text: str) -> None:
    short = abbreviate(text, 20)

    assert 0 < len(short) <= 20
    assert short.strip()


def test_focus_over_the_limit_is_refused_with_a_suggestion() -> None:
    with pytest.raises(FocusTooLong) as raised:
        check_focus("x" * 21, 20)

    assert len(raised.value.suggestion) <= 20


def test_focus_of_symbols_only_is_refused_with_a_cut() -> None:
    with pytest.raises(FocusTooLong) as raised:
        check_focus("!" * 30, 20)

    assert raised.value.suggestion == "!" * 20
    assert f"try --focus '{'!' * 20}'" in raised.value.message


def test_no_empty_suggestion_when_nothing_fits() -> None:
    with pytest.raises(FocusTooLong) as raised:
        check_focus("x", 0)

    assert raised.value.suggestion == ""
    assert "try" not in raised.value.message
    assert raised.value.message.endswith("at most 0 are allowed")


# Levels.


@given(
    st.integers(min_value=1, max_value=10),
    st.sampled_from(["+", "-", "=", *UNICODE_DIGITS, "0" * 5000, "9" * 5000])
    | st.integers(min_value=-5, max_value=15).map(str)
    | st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=3),
)
def test_a_move_never_leaves_the_scale(level: int, move: str) -> None:
    try:
        after = apply_move("fluency", level, move, RUBRIC)
    except (LevelOutOfScale, BadUsage):
        return

    assert RUBRIC.lowest <= after <= RUBRIC.highest


@pytest.mark.parametrize(
    ("text", "moves"),
    [
        pytest.param(
            "fluency=+;accuracy=-", {"fluency": "+", "accuracy": "-"}, id="semicolons"
        ),
        pytest.param(
            "fluency=+, accuracy=7", {"fluency": "+", "accuracy": "7"}, id="commas"
        ),
        pytest.param("", {}, id="empty"),
    ],
)
def test_parse_evaluation(text: str, moves: dict[str, str]) -> None:
    assert parse_evaluation(text) == moves


@pytest.mark.parametrize(
    "text",
    [
        "fluency",
        "fluency=",
        "=+",
        "fluency=up",
        "fluency=7.5",
        "fluency=-1",
        *(f"fluency={digit}" for digit in UNICODE_DIGITS),
    ],
)
def test_malformed_moves_are_usage_errors(text: str) -> None:
    with pytest.raises(BadUsage):
        parse_evaluation(text)


@pytest.mark.parametrize("move", UNICODE_DIGITS)
def test_a_level_is_only_ascii_digits(move: str) -> None:
    with pytest.raises(BadUsage, match="level number"):
        apply_move("fluency", 5, move, RUBRIC)


@pytest.mark.parametrize(
    ("move", "level"),
    [
        pytest.param("7", 7, id="digit"),
        pytest.param("007", 7, id="leading-zeros"),
        pytest.param("10", 10, id="top"),
    ],
)
def test_a_level_number_sets_the_level(move: str, level: int) -> None:
    assert apply_move("fluency", 5, move, RUBRIC) == level


@pytest.mark.parametrize("move", ["0", "11", "9" * 5000])
def test_a_level_number_off_the_scale_is_refused(move: str) -> None:
    with pytest.raises(LevelOutOfScale, match="the scale is 1 to 10") as raised:
        apply_move("fluency", 5, move, RUBRIC)

    assert len(raised.value.message) < 100


@pytest.mark.parametrize(
    ("levels", "stagnated"),
    [
        pytest.param([5, 5, 5, 5, 5, 5], True, id="flat"),
        pytest.param([6, 5, 5, 4, 4, 4], True, id="falling"),
        pytest.param([5, 5, 6, 5, 5, 5], False, id="rose-once"),
        pytest.param([5, 5, 5, 5, 5], False, id="too-few"),
        pytest.param([10] * 6, False, id="at-the-top"),
    ],
)
def test_stagnation(levels: list[int], stagnated: bool) -> None:
    assert has_stagnated(levels, 5, 10) is stagnated


def test_level_history_starts_from_the_imported_level() -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    items = [
        Feedback("S-1", "maria", start, True, evaluation={"fluency": 6}),
        Feedback("S-2", "maria", start, False, reason="server-down"),
        Feedback("S-3", "maria", start, True, evaluation={}),
    ]

    history = level_history(Student("ST-1", "A", {"fluency": 4}), items, RUBRIC)

    assert history == {"fluency": [4, 6, 6]}


# The tutor's badge ledger, as a file of many sessions updates it.


def test_badge_ledger_counts_feedback_recorded_since() -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    sessions = [
        Session(f"S-{n}", "maria", "ST-1", start + timedelta(days=n)) for n in range(4)
    ]
    feedback = {
        "S-0": Feedback("S-0", "maria", start, True, great_work=True),
        "S-1": Feedback("S-1", "maria", start, True),
    }
    ledger = BadgeLedger(sessions, feedback)

    ledger.record(sessions[3], Feedback("S-3", "maria", start, True, great_work=True))
    ledger.record(
        sessions[2], Feedback("S-2", "maria", start, False, reason="server-down")
    )

    assert ledger.recent(10, excluding="S-9") == [True, False, True]
    assert ledger.recent(2, excluding="S-3") == [True, False]
    assert ledger.recent(0, excluding="S-9") == []


# Rows of a --from file.


def test_csv_rows_with_dashes_or_underscores() -> None:
    text = (
        "session,completed,platform,eval,great-work,goal,focus,language_seen,follow-up\n"
        "S-1,true,zoom,fluency=+;accuracy=-,no,articles,Articles,a/an/the,more\n"
    )

    found = read_rows(text, json_lines=False)

    assert found.problems == []
    row = found.rows[0]
    assert (row.line, row.session) == (2, "S-1")
    assert row.answers == Answers(
        completed=True,
        platform="zoom",
        evaluation={"fluency": "+", "accuracy": "-"},
        great_work=False,
        goal="articles",
        focus="Articles",
        language_seen="a/an/the",
        follow_up="more",
    )


def test_csv_problems_carry_line_numbers() -> None:
    text = (
        "session,completed,note\n"
        'S-1,maybe,""\n'
        'S-2,true,"two\nlines"\n'
        "S-3,true\n"
        ",true,x\n"
    )

    found = read_rows(text, json_lines=False)

    assert [problem.line for problem in found.problems] == [2, 5, 6]
    assert [row.line for row in found.rows] == [3]


def test_unknown_csv_column_is_reported_on_the_header() -> None:
    found = read_rows("session,colour\nS-1,red\n", json_lines=False)

    assert found.problems[0][0] == 1
    assert "colour" in found.problems[0][1]


def test_json_lines_rows() -> None:
    text = (
        '{"session": "S-1", "completed": false, "reason": "server-down"}\n'
        "\n"
        '{"session": "S-2", "eval": {"fluency": "+"}, "great_work": true}\n'
        "[1]\n"
        '{"session": "S-3", "completed": "perhaps"}\n'
    )

    found = read_rows(text, json_lines=True)

    assert [row.line for row in found.rows] == [1, 3]
    assert found.rows[1].answers.evaluation == {"fluency": "+"}
    assert [problem.line for problem in found.problems] == [4, 5]


def test_json_lines_are_known_by_a_leading_brace() -> None:
    text = '\n  {"session": "S-1", "completed": false, "reason": "server-down"}\n'

    found = read_rows(text, json_lines=False)

    assert found.problems == []
    assert [(row.line, row.session) for row in found.rows] == [(2, "S-1")]
    assert found.rows[0].answers.reason == "server-down"


def test_a_row_with_a_bad_level_is_a_usage_problem() -> None:
    found = read_rows("session,eval\nS-1,fluency=²\n", json_lines=False)

    [problem] = found.problems
    assert problem.line == 2
    assert "fluency=²" in problem.message
    assert problem.exit_code == BadUsage.exit_code


@pytest.mark.parametrize(
    ("problems", "code"),
    [
        pytest.param(
            [
                Problem.of(2, NotFound("session", "S-9")),
                Problem.of(3, NotFound("x", "y")),
            ],
            3,
            id="all-not-found",
        ),
        pytest.param(
            [
                Problem.of(2, NotAllowed("locked")),
                Problem.of(5, NotAllowed("not yours")),
            ],
            4,
            id="all-not-allowed",
        ),
        pytest.param(
            [Problem.of(2, NotFound("session", "S-9")), Problem.of(3, NotAllowed("x"))],
            1,
            id="mixed",
        ),
        pytest.param(
            [Problem.of(2, NotFound("session", "S-9")), Problem(3, "S-1 is also on 2")],
            1,
            id="not-found-and-a-rule",
        ),
        pytest.param([Problem(1, "the file is empty")], 1, id="file-problem"),
        pytest.param([], 1, id="none"),
    ],
)
def test_a_files_exit_code_is_the_one_its_problems_share(
    problems: list[Problem], code: int
) -> None:
    assert shared_exit_code(problems) == code
