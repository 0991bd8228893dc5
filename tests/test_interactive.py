"""The interactive flow, driven through a real pseudo-terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest

from fbcli.store import open_store
from tests.conftest import DEMO_TUTOR
from tests.test_give import Demo, answers, find_demo, saved

ENTER = "\r"
DOWN = "\x1b[B"
UP = "\x1b[A"
CTRL_C = "\x03"
TIMEOUT = 30

Spawn = Callable[..., pexpect.spawn]


@pytest.fixture
def demo(demo_store: Path) -> Demo:
    return find_demo(demo_store)


@pytest.fixture
def spawn(env: dict[str, str]) -> Iterator[Spawn]:
    children: list[pexpect.spawn] = []

    def start(*args: str) -> pexpect.spawn:
        child = pexpect.spawn(
            sys.executable,
            ["-m", "fbcli", "--as", DEMO_TUTOR, *args],
            env={
                **os.environ,
                **env,
                "TERM": "xterm",
                "PROMPT_TOOLKIT_NO_CPR": "1",
            },
            dimensions=(40, 120),
            encoding="utf-8",
            timeout=TIMEOUT,
        )
        children.append(child)
        return child

    yield start
    for child in children:
        if child.isalive():
            child.terminate(force=True)


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    """Wait for a question, then type; the pause lets the prompt take the keys."""
    child.expect_exact(prompt)
    time.sleep(0.15)
    child.send(keys)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else -1)


def walk_completed(child: pexpect.spawn) -> None:
    walk_to_focus(child)
    answer(child, "Focus (at most 20", "Modals" + ENTER)
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


def test_ctrl_c_saves_nothing(spawn: Spawn, demo: Demo, demo_store: Path) -> None:
    before = demo_store.read_bytes()
    child = spawn("give", demo.pending)

    answer(child, "Was the session completed?", ENTER)
    answer(child, "Did you have tech issues?", "n")
    answer(child, "A note on step 1", CTRL_C)
    child.expect_exact("nothing was saved")

    assert finish(child) == 130
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


def test_focus_counts_characters(spawn: Spawn, demo: Demo, demo_store: Path) -> None:
    child = spawn("give", demo.pending)

    walk_to_focus(child)
    answer(child, "Focus (at most 20", "present perfect continuous")
    child.expect_exact("26/20")
    child.send(ENTER)
    child.expect_exact("Pres Perfect Cont")
    child.send("\x15" + "Pres Perf Cont" + ENTER)  # Ctrl-U clears the line
    answer(child, "Language seen during the lesson:", "have been doing" + ENTER)
    answer(child, "Follow-up activities", "Since and for" + ENTER)
    answer(child, "Additional comments", ENTER)
    answer(child, "Save this feedback?", ENTER)

    assert finish(child) == 0
    assert saved(demo_store, demo.pending)[0]["focus"] == "Pres Perf Cont"


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
    for prompt in (
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
        "Focus (at most 20",
        "Language seen during the lesson:",
        "Follow-up activities",
        "Additional comments",
    ):
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
    answer(child, "Focus (at most 20", "Articles" + ENTER)
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
