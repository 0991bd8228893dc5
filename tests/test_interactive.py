"""The interactive flow, driven through a real pseudo-terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from fbcli.rules.plans import plan_at
from fbcli.store import open_store
from tests.conftest import DEMO_TUTOR, Runner, Spawn
from tests.test_give import (
    TOM_FOLLOW_UP,
    Demo,
    answers,
    find_demo,
    make_history,
    saved,
)

ENTER = "\r"
DOWN = "\x1b[B"
UP = "\x1b[A"
CTRL_C = "\x03"
TAB = "\t"
CTRL_U = "\x15"  # clears the line
# Redraws the screen whole: otherwise a count that grows arrives as the
# digits that changed.
CTRL_L = "\x0c"


@pytest.fixture
def demo(demo_store: Path) -> Demo:
    return find_demo(demo_store)


@pytest.fixture
def history(cli: Runner, tmp_path: Path, store_path: Path) -> Path:
    make_history(cli, tmp_path)
    return store_path


# Every question of a completed feedback, in the order the flow asks them.
EVERY_QUESTION = (
    "Was the session completed?",
    "Did you have tech issues?",
    "A note on step 1",
    "Which video platform",
    "fluency (now",
    "accuracy (now",
    "pronunciation (now",
    "comprehension (now",
    "Award the great-work badge?",
    "Which goal of the study plan",
    "doing great in' ...?",
    "Focus, seen only by tutors",
    "Language seen during the lesson:",
    "Follow-up activities",
    "Additional comments",
)


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    """Wait for a question, then type; the pause lets the prompt take the keys."""
    child.expect_exact(prompt)
    time.sleep(0.15)
    child.send(keys)


STYLED_SPACE = r"(?:\s|\x1b\[[0-9;]*m)+"


def shown(text: str) -> str:
    """``text`` as a pattern that lets the terminal's cursor moves, such as the
    jump to draw a line's last column, come between its characters."""
    moves = r"(?:\r|\x1b\[[0-9;?]*[A-Za-z])*"
    return moves.join(re.escape(char) for char in text)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else -1)


def walk_completed(child: pexpect.spawn) -> None:
    walk_to_focus(child)
    answer(child, "Focus, seen only by tutors", "Modals" + ENTER)
    answer(child, "Language seen during the lesson:", "might have, must have" + ENTER)
    answer(child, "Follow-up activities", "Speculate about photos" + ENTER)
    answer(child, "Additional comments", ENTER)


def walk_to_focus(child: pexpect.spawn) -> None:
    answer(child, "Was the session completed?", ENTER)
    answer(child, "Did you have tech issues?", "n")
    answer(child, "A note on step 1", ENTER)
    answer(child, "Which video platform", ENTER)
    answer(child, "fluency (now", UP + ENTER)
    answer(child, "accuracy (now", ENTER)
    answer(child, "pronunciation (now", ENTER)
    answer(child, "comprehension (now", ENTER)
    answer(child, "Award the great-work badge?", "n")
    answer(child, "Which goal of the study plan", ENTER)
    answer(child, "doing great in' ...?", ENTER)


def test_full_feedback(spawn: Spawn, demo: Demo, demo_store: Path) -> None:
    child = spawn("give", demo.pending)

    child.expect_exact("Follow-up left by the previous session")
    child.expect_exact("Step 1 of 6")
    walk_completed(child)
    child.expect_exact("Summary")
    answer(child, "Save this feedback?", ENTER)
    child.expect_exact(f"saved feedback on {demo.pending}: completed")

    assert finish(child) == 0
    [record] = saved(demo_store, demo.pending)
    assert record["focus"] == "Modals"
    assert record["goal"] == demo.plan_goal
    assert record["follow_up"] == "Speculate about photos"


FIRST_PROMPTS = [
    ("Was the session completed?", ENTER),
    ("Did you have tech issues?", "n"),
    ("A note on step 1", ENTER),
    ("Which video platform", ENTER),
    ("fluency (now", ENTER),
]
CTRL_C_AT = {"step-1": 0, "note": 2, "step-2": 4}


@pytest.mark.parametrize("where", [*CTRL_C_AT, "focus", "save"])
def test_ctrl_c_saves_nothing(
    spawn: Spawn, demo: Demo, demo_store: Path, where: str
) -> None:
    before = demo_store.read_bytes()
    child = spawn("give", demo.pending)

    if where in CTRL_C_AT:
        *earlier, (last, _) = FIRST_PROMPTS[: CTRL_C_AT[where] + 1]
        for prompt, keys in earlier:
            answer(child, prompt, keys)
        answer(child, last, CTRL_C)
    elif where == "focus":
        walk_to_focus(child)
        answer(child, "Focus, seen only by tutors", "Mod" + CTRL_C)
    else:
        walk_completed(child)
        answer(child, "Save this feedback?", CTRL_C)
    child.expect_exact("interrupted; nothing was saved")

    assert finish(child) == 130
    assert demo_store.read_bytes() == before


def test_locked_session_is_refused_before_any_question(
    spawn: Spawn, demo: Demo
) -> None:
    child = spawn("give", demo.locked)

    child.expect_exact("locked")

    assert finish(child) == 4
    assert "Step 1" not in child.before


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        pytest.param(["give"], "--completed or --not-completed", id="give"),
        pytest.param(["mark-unattended"], "--yes", id="mark-unattended"),
    ],
)
def test_no_input_on_a_terminal_asks_nothing(
    spawn: Spawn, demo: Demo, demo_store: Path, args: list[str], flag: str
) -> None:
    before = demo_store.read_bytes()
    child = spawn(*args, demo.pending, "--no-input")

    child.expect_exact("error: missing answers: ")
    child.expect_exact(flag)

    assert finish(child) == 1
    assert demo_store.read_bytes() == before


def test_not_completed(spawn: Spawn, demo: Demo, demo_store: Path) -> None:
    child = spawn("give", demo.pending)

    answer(child, "Was the session completed?", DOWN + ENTER)
    child.expect_exact("locked")
    answer(child, "Why was it not completed?", DOWN * 3 + ENTER)
    answer(child, "Did the student miss the session?", "n")
    answer(child, "Did you have tech issues?", "y")
    answer(child, "A note on step 1", "family emergency" + ENTER)
    child.expect_exact("Summary")
    answer(child, "Save this feedback?", ENTER)
    child.expect_exact("tutors@fluentify.com")

    assert finish(child) == 0
    [record] = saved(demo_store, demo.pending)
    assert record["reason"] == "emergency"
    assert record["note"] == "family emergency"
    assert record["tech_issues"] is True


def test_declining_to_save(spawn: Spawn, demo: Demo, demo_store: Path) -> None:
    before = demo_store.read_bytes()
    child = spawn("give", demo.pending)

    walk_completed(child)
    answer(child, "Save this feedback?", "n")
    child.expect_exact("nothing was saved")

    assert finish(child) == 1
    assert demo_store.read_bytes() == before


def test_flags_answer_and_prompts_fill_the_rest(
    spawn: Spawn, demo: Demo, demo_store: Path
) -> None:
    args = answers(demo)
    args.remove("--no-input")
    child = spawn("give", *args[:-2])  # every answer but the follow-up

    answer(child, "Did you have tech issues?", "n")
    answer(child, "A note on step 1", ENTER)
    child.expect_exact("Step 2 of 6")
    answer(child, "fluency (now", ENTER)
    answer(child, "accuracy (now", ENTER)
    answer(child, "pronunciation (now", ENTER)
    answer(child, "comprehension (now", ENTER)
    answer(child, "Award the great-work badge?", "n")
    answer(child, "doing great in' ...?", ENTER)
    answer(child, "Follow-up activities", "Photos" + ENTER)
    answer(child, "Additional comments", ENTER)
    answer(child, "Save this feedback?", ENTER)

    assert finish(child) == 0
    assert saved(demo_store, demo.pending)[0]["follow_up"] == "Photos"


@pytest.mark.parametrize(
    ("keys", "focus"),
    [
        pytest.param(ENTER, "Pres Perfect Cont", id="take-the-short-form"),
        pytest.param(CTRL_U + "Pres Perf Cont" + ENTER, "Pres Perf Cont", id="edit-it"),
    ],
)
def test_focus_too_long_offers_a_short_form(
    spawn: Spawn, demo: Demo, demo_store: Path, keys: str, focus: str
) -> None:
    child = spawn("give", demo.pending, width=80)

    walk_to_focus(child)
    answer(child, "Focus, seen only by tutors", "present perfect continuous")
    child.expect(shown("too long"))
    child.send(CTRL_L)
    child.expect(shown("26/20, too long"))
    child.send(ENTER)
    child.expect_exact("A shorter form is filled in below")
    child.expect_exact("Pres Perfect Cont")
    child.expect(shown("17/20 characters"))
    time.sleep(0.15)
    child.send(keys)
    answer(child, "Language seen during the lesson:", "have been doing" + ENTER)
    answer(child, "Follow-up activities", "Since and for" + ENTER)
    answer(child, "Additional comments", ENTER)
    answer(child, "Save this feedback?", ENTER)

    assert finish(child) == 0
    assert saved(demo_store, demo.pending)[0]["focus"] == focus


def test_focus_flag_too_long_offers_a_short_form(
    spawn: Spawn, demo: Demo, demo_store: Path
) -> None:
    args = answers(demo)
    args.remove("--no-input")
    args[args.index("--focus") + 1] = "present perfect continuous"
    child = spawn("give", *args)

    for prompt in ("Did you have tech issues?", "A note on step 1"):
        answer(child, prompt, ENTER)
    for parameter in ("fluency", "accuracy", "pronunciation", "comprehension"):
        answer(child, f"{parameter} (now", ENTER)
    answer(child, "Award the great-work badge?", "n")
    answer(child, "doing great in' ...?", ENTER)
    child.expect_exact("A shorter form is filled in below")
    child.expect(shown("17/20 characters"))
    time.sleep(0.15)
    child.send(ENTER)
    answer(child, "Additional comments", ENTER)
    answer(child, "Save this feedback?", ENTER)

    assert finish(child) == 0
    assert saved(demo_store, demo.pending)[0]["focus"] == "Pres Perfect Cont"


def test_amending_starts_from_the_earlier_answers(
    spawn: Spawn, demo: Demo, demo_store: Path, env: dict[str, str]
) -> None:
    subprocess.run(
        [sys.executable, "-m", "fbcli", "--as", DEMO_TUTOR, "give", *answers(demo)],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    child = spawn("give", demo.pending)

    answer(child, "Amend it?", "y")
    for prompt in EVERY_QUESTION:
        answer(child, prompt, ENTER)
    answer(child, "Save this feedback?", ENTER)

    assert finish(child) == 0
    first, second = saved(demo_store, demo.pending)
    assert second["version"] == 2
    same = ("focus", "goal", "language_seen", "follow_up", "evaluation", "platform")
    assert {k: second[k] for k in same} == {k: first[k] for k in same}


def test_feedback_changed_meanwhile_is_not_saved(
    spawn: Spawn, demo: Demo, demo_store: Path, env: dict[str, str]
) -> None:
    child = spawn("give", demo.pending)
    walk_completed(child)
    child.expect_exact("Save this feedback?")
    subprocess.run(
        [sys.executable, "-m", "fbcli", "--as", DEMO_TUTOR, "give", *answers(demo)],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    middle = demo_store.read_bytes()

    time.sleep(0.15)
    child.send(ENTER)
    child.expect_exact("changed while you were answering")

    assert finish(child) == 5
    assert demo_store.read_bytes() == middle


def test_student_without_a_plan_gets_one_first(
    spawn: Spawn, demo: Demo, demo_store: Path
) -> None:
    child = spawn("give", demo.no_plan)

    answer(child, "Was the session completed?", ENTER)
    answer(child, "Did you have tech issues?", "n")
    answer(child, "A note on step 1", ENTER)
    answer(child, "Which video platform", ENTER)
    for parameter in ("fluency", "accuracy", "pronunciation", "comprehension"):
        answer(child, f"{parameter} (now", ENTER)
    answer(child, "Award the great-work badge?", "n")
    child.expect_exact("has no study plan yet")
    answer(child, "Goals of the study plan:", "articles")
    time.sleep(0.3)
    child.send(" " + ENTER)
    answer(child, "Which goal of the study plan", ENTER)
    answer(child, "doing great in' ...?", ENTER)
    answer(child, "Focus, seen only by tutors", "Articles" + ENTER)
    answer(child, "Language seen during the lesson:", "a, an, the" + ENTER)
    answer(child, "Follow-up activities", "Zero article" + ENTER)
    answer(child, "Additional comments", ENTER)
    answer(child, "Save this feedback?", ENTER)

    assert finish(child) == 0
    [record] = saved(demo_store, demo.no_plan)
    with open_store(str(demo_store)) as store:
        session = store.session(demo.no_plan)
        assert session is not None
        changes = store.plan_changes(session.student)
    assert [c.goal for c in changes] == [record["goal"]]


def test_mark_unattended_asks_to_confirm(
    spawn: Spawn, demo: Demo, demo_store: Path
) -> None:
    child = spawn("mark-unattended", demo.pending)

    answer(child, "Did you stay all 30 minutes", "y")
    child.expect_exact("unattended")

    assert finish(child) == 0
    assert saved(demo_store, demo.pending)[0]["reason"] == "student-absent"


def test_mark_unattended_declined(spawn: Spawn, demo: Demo, demo_store: Path) -> None:
    before = demo_store.read_bytes()
    child = spawn("mark-unattended", demo.pending)

    answer(child, "Did you stay all 30 minutes", "n")

    assert finish(child) == 1
    assert demo_store.read_bytes() == before


# What each step shows, on a school whose history is known (see test_give).


def test_each_step_shows_what_helps_to_answer_it(spawn: Spawn, history: Path) -> None:
    child = spawn("give", "S-8", as_tutor="tina")

    child.expect_exact("Follow-up left by the previous session (S-7, ")
    child.expect_exact("Tom Teacher):")
    child.expect_exact(TOM_FOLLOW_UP)
    child.expect_exact("Step 1 of 6: technical")
    answer(child, "Was the session completed?", ENTER)
    answer(child, "Did you have tech issues?", "n")
    answer(child, "A note on step 1", ENTER)
    answer(child, "Which video platform", ENTER)

    child.expect_exact("Step 2 of 6: student evaluation")
    child.expect(r"fluency\s+6\s+5 → 5 → 6 → 6 → 6 → 6\s*\r\n")
    child.expect(r"accuracy\s+5\s+5 → 5 → 5 → 5 → 5 → 5\s+time for a higher mark\?")
    child.expect(r"pronunciation\s+7\s+6 → 6 → 6 → 6 → 7 → 7\s*\r\n")
    child.expect(r"comprehension\s+8\s+7 → 8 → 8 → 8 → 8 → 8\s*\r\n")
    answer(child, "fluency (now 6)", ENTER)
    answer(child, "accuracy (now 5) - has not risen lately", UP + ENTER)
    answer(child, "pronunciation (now 7)", ENTER)
    answer(child, "comprehension (now 8)", ENTER)

    child.expect_exact("Step 3 of 6: great work badge")
    child.expect_exact(
        "Your badge rate: 1 of your last 6 completed sessions (17%); "
        "the school aims for 10%-20%."
    )
    child.expect_exact("ST-1 last got the badge 2 sessions ago.")
    answer(child, "Award the great-work badge?", "n")

    child.expect_exact("Step 4 of 6: session topic")
    child.expect_exact("Articles: a, an, the and no article (grammar)")
    child.expect_exact("Word stress in multi-syllable words (pronunciation)")
    answer(child, "another goal: search the whole catalog", DOWN * 2 + ENTER)
    answer(child, "Search the catalog", "verbs for tr")
    child.expect_exact("pick a goal from the list")
    time.sleep(0.15)
    child.send(TAB)
    time.sleep(0.15)
    child.send(ENTER)
    child.expect_exact("not count toward their progress graph")
    answer(child, "to ST-1's study plan so it counts?", "y")

    child.expect_exact("Step 5 of 6: you're doing great in ...")
    child.expect_exact(
        "3 sessions since the last award (grammar), counting this one; "
        "the school aims for one every 5 to 10."
    )
    answer(child, "doing great in' ...?", ENTER)

    child.expect_exact("Step 6 of 6: session content")
    child.expect_exact("Focus, seen only by tutors")
    child.expect(shown("0/20 characters"))
    time.sleep(0.15)
    child.send("Phrasal verbs" + CTRL_L)
    child.expect(shown("13/20 characters"))
    child.send(ENTER)
    answer(child, "Language seen during the lesson:", "check in, set off" + ENTER)
    answer(child, "Follow-up activities", "Airport role play" + ENTER)
    answer(child, "Additional comments", ENTER)

    child.expect_exact("Summary")
    for label, value in (
        ("Session", "S-8, Sam Student"),
        ("Platform", "zoom"),
        ("Levels", "fluency 6, accuracy 6 (from 5), pronunciation 7, comprehension 8"),
        ("Great work badge", "no"),
        ("Topic", "Phrasal verbs for travel (added to the study plan)"),
        ("Doing great in", "-"),
        ("Focus", "Phrasal verbs"),
        ("Language seen", "check in, set off"),
        ("Follow-up", "Airport role play"),
        ("Comments", "-"),
    ):
        child.expect(label + STYLED_SPACE + re.escape(value))
    answer(child, "Save this feedback?", ENTER)
    child.expect_exact("saved feedback on S-8: completed")

    assert finish(child) == 0
    [record] = saved(history, "S-8")
    assert record["goal"] == "phrasal-verbs-travel"
    assert record["evaluation"] == {
        "fluency": 6,
        "accuracy": 6,
        "pronunciation": 7,
        "comprehension": 8,
    }
    with open_store(str(history)) as store:
        plan = plan_at(store.plan_changes("ST-1"))
    assert plan == ["articles", "word-stress", "phrasal-verbs-travel"]


def walk_s8_to_badge(child: pexpect.spawn) -> None:
    answer(child, "Was the session completed?", ENTER)
    answer(child, "Did you have tech issues?", "n")
    answer(child, "A note on step 1", ENTER)
    answer(child, "Which video platform", ENTER)
    for parameter in ("fluency", "accuracy", "pronunciation", "comprehension"):
        answer(child, f"{parameter} (now", ENTER)


BADGE_WARNINGS = (
    "warning: the student got the great-work badge 2 sessions ago",
    "warning: the badge would make your rate 29% (2 of your last 7",
)


def test_awards_too_soon_ask_before_going_ahead(spawn: Spawn, history: Path) -> None:
    child = spawn("give", "S-8", as_tutor="tina")

    walk_s8_to_badge(child)
    answer(child, "Award the great-work badge?", "y")
    for warning in BADGE_WARNINGS:
        child.expect_exact(warning)
    answer(child, "Award it anyway?", "n")
    answer(child, "Award the great-work badge?", "n")
    answer(child, "Which goal of the study plan", ENTER)
    answer(child, "doing great in' ...?", DOWN + ENTER)
    child.expect_exact("warning: this would be only 3 sessions after")
    answer(child, "Award it anyway?", "y")
    answer(child, "Focus, seen only by tutors", "Articles" + ENTER)
    answer(child, "Language seen during the lesson:", "the with rivers" + ENTER)
    answer(child, "Follow-up activities", "Zero article" + ENTER)
    answer(child, "Additional comments", ENTER)
    answer(child, "Save this feedback?", ENTER)

    assert finish(child) == 0
    [record] = saved(history, "S-8")
    assert record["great_work"] is False
    assert record["doing_great"] == "grammar"


def test_yes_accepts_warnings_without_asking(spawn: Spawn, history: Path) -> None:
    child = spawn("give", "S-8", "-y", as_tutor="tina")

    walk_s8_to_badge(child)
    answer(child, "Award the great-work badge?", "y")
    for warning in BADGE_WARNINGS:
        child.expect_exact(warning)
    child.expect_exact("Step 4 of 6")
    answer(child, "Which goal of the study plan", ENTER)
    answer(child, "doing great in' ...?", ENTER)
    answer(child, "Focus, seen only by tutors", "Articles" + ENTER)
    answer(child, "Language seen during the lesson:", "the with rivers" + ENTER)
    answer(child, "Follow-up activities", "Zero article" + ENTER)
    answer(child, "Additional comments", ENTER)
    answer(child, "Save this feedback?", ENTER)

    assert finish(child) == 0
    assert "anyway" not in child.before
    assert saved(history, "S-8")[0]["great_work"] is True


def test_strict_refuses_a_warning_at_once(spawn: Spawn, history: Path) -> None:
    before = history.read_bytes()
    child = spawn("give", "S-8", "--strict", as_tutor="tina")

    walk_s8_to_badge(child)
    answer(child, "Award the great-work badge?", "y")
    child.expect_exact("2 warnings under --strict; nothing was saved")

    assert finish(child) == 1
    assert history.read_bytes() == before


def test_mark_unattended_asks_for_the_whole_session_length(
    spawn: Spawn, history: Path
) -> None:
    child = spawn("mark-unattended", "L-1", as_tutor="tina")

    answer(child, "Did you stay all 45 minutes while the student never came?", "y")
    child.expect_exact("saved feedback on L-1: unattended")

    assert finish(child) == 0
    assert saved(history, "L-1")[0]["reason"] == "student-absent"
