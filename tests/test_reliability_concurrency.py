"""Many real fbcli processes writing one store at once: nothing lost, nothing mixed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fbcli.store import open_store
from tests.conftest import NOW, Runner, store_lock_held

TUTORS = 8
PER_TUTOR = 50
GOAL = "narrative-tenses"

GIVE = (
    "give",
    "--no-input",
    "--completed",
    "--platform",
    "zoom",
    "--eval",
    # Levels kept: eight sessions of one student given in start order would
    # raise a level from 5 past the top of the scale, refused, whatever the
    # store does; the order of parallel gives is left to the machine.
    "fluency==",
    "--eval",
    "accuracy==",
    "--eval",
    "pronunciation==",
    "--eval",
    "comprehension==",
    "--goal",
    GOAL,
    "--add-to-plan",
    "--focus",
    "Narrative tenses",
    "--language-seen",
    "had been -ing",
    "--follow-up",
    "Past perfect drills",
)


def school(tutors: int = TUTORS, per_tutor: int = PER_TUTOR) -> dict[str, Any]:
    """Tutors t0, t1 ... each with sessions <tutor>-0, -1 ... all ended by NOW."""
    now = datetime.fromisoformat(NOW)
    return {
        "tutors": [
            *({"id": f"t{n}", "name": f"Tutor {n}"} for n in range(tutors)),
            {"id": "olga", "name": "Olga", "role": "admin"},
        ],
        "students": [
            {"id": f"ST-{n}", "name": f"Student {n}"} for n in range(per_tutor)
        ],
        "sessions": [
            {
                "id": f"t{t}-{n}",
                "tutor": f"t{t}",
                "student": f"ST-{n}",
                "start": (now - timedelta(hours=1 + n, minutes=t)).isoformat(),
            }
            for t in range(tutors)
            for n in range(per_tutor)
        ],
    }


def load_school(cli: Runner, folder: Path, data: dict[str, Any]) -> None:
    export = folder / "school.json"
    export.write_text(json.dumps(data))
    assert cli("init").code == 0
    assert cli("import", str(export)).code == 0


def fbcli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fbcli", "--lock-timeout", "120", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )


def give_all(env: dict[str, str], tutor: int) -> list[subprocess.CompletedProcess[str]]:
    """One tutor's shell loop: feedback on each of their sessions, one process each."""
    return [
        fbcli(env, "--as", f"t{tutor}", *GIVE[:1], f"t{tutor}-{n}", *GIVE[1:])
        for n in range(PER_TUTOR)
    ]


@pytest.mark.slow
def test_eight_tutors_giving_feedback_at_once_lose_nothing(
    cli: Runner, env: dict[str, str], store_path: Path, tmp_path: Path
) -> None:
    load_school(cli, tmp_path, school())

    with ThreadPoolExecutor(TUTORS) as pool:
        runs = [
            run
            for loop in pool.map(lambda t: give_all(env, t), range(TUTORS))
            for run in loop
        ]
    stats = cli("--as", "olga", "stats", "--all", "--format", "json")

    assert [run.stderr for run in runs if run.returncode != 0] == []
    with open_store(str(store_path)) as store:
        given = store.latest_feedback()
        assert len(given) == TUTORS * PER_TUTOR
        assert all(f.tutor == store.session(s).tutor for s, f in given.items())  # type: ignore[union-attr]
        assert {len(store.feedback_versions(s)) for s in given} == {1}
    assert stats.code == 0
    figures = json.loads(stats.stdout)["tutors"]
    assert sum(t["sessions"]["completed"] for t in figures) == TUTORS * PER_TUTOR
    assert cli("doctor").code == 0


def test_eight_batch_processes_at_once_lose_nothing(
    cli: Runner, env: dict[str, str], store_path: Path, tmp_path: Path
) -> None:
    load_school(cli, tmp_path, school())
    batches = []
    for tutor in range(TUTORS):
        rows = [
            {
                "session": f"t{tutor}-{n}",
                "completed": True,
                "platform": "zoom",
                "eval": "fluency==;accuracy==;pronunciation==;comprehension==",
                "goal": GOAL,
                "add_to_plan": True,
                "focus": "Narrative tenses",
                "language_seen": "had been -ing",
                "follow_up": "Past perfect drills",
            }
            for n in range(PER_TUTOR)
        ]
        path = tmp_path / f"batch-{tutor}.jsonl"
        path.write_text("\n".join(json.dumps(row) for row in rows))
        batches.append(path)

    with ThreadPoolExecutor(TUTORS) as pool:
        runs = list(
            pool.map(
                lambda t: fbcli(
                    env,
                    "--as",
                    f"t{t}",
                    "give",
                    "--no-input",
                    "--from",
                    str(batches[t]),
                ),
                range(TUTORS),
            )
        )
    stats = cli("--as", "olga", "stats", "--all", "--format", "json")

    assert [run.stderr for run in runs if run.returncode != 0] == []
    with open_store(str(store_path)) as store:
        assert len(store.latest_feedback()) == TUTORS * PER_TUTOR
    figures = json.loads(stats.stdout)["tutors"]
    assert sum(t["sessions"]["completed"] for t in figures) == TUTORS * PER_TUTOR


MARK_UNATTENDED = ("mark-unattended", "t0-0", "--yes", "--no-input")
SIGNED = ("platform", "focus", "language_seen", "follow_up", "comments")


def signed_give(name: str) -> tuple[str, ...]:
    """Feedback on t0-0 whose every text answer carries ``name``."""
    return (
        *GIVE[:1],
        "t0-0",
        *GIVE[1:-6],
        "--platform",
        f"meet {name}",
        "--focus",
        f"Focus {name}",
        "--language-seen",
        f"seen {name}",
        "--follow-up",
        f"next {name}",
        "--comments",
        f"by {name}",
    )


SAVED_MEANWHILE = (
    "error: another fbcli command saved feedback on t0-0 while this one ran "
    "(version {version}, given by t0); nothing was saved; run 'fbcli give t0-0' "
    "again to amend it"
)

RACES = {
    "mark-unattended-twice": (MARK_UNATTENDED, MARK_UNATTENDED),
    "give-twice": (signed_give("A"), signed_give("B")),
    "give-and-mark-unattended": (signed_give("A"), MARK_UNATTENDED),
}


@pytest.mark.parametrize("attempt", range(5))
@pytest.mark.parametrize("race", RACES.values(), ids=RACES.keys())
def test_two_processes_on_one_session_at_once_one_wins(
    cli: Runner,
    env: dict[str, str],
    store_path: Path,
    tmp_path: Path,
    race: tuple[tuple[str, ...], tuple[str, ...]],
    attempt: int,
) -> None:
    load_school(cli, tmp_path, school(tutors=1, per_tutor=1))

    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda command: fbcli(env, "--as", "t0", *command), race))

    with open_store(str(store_path)) as store:
        versions = store.feedback_versions("t0-0")
    codes = [run.returncode for run in runs]
    refused = [run for run in runs if run.returncode != 0]
    assert set(codes) <= {0, 4, 5}, [run.stderr for run in runs]
    for loser in refused:
        # Locked, or saved by the other while this one ran: one line each.
        assert loser.stderr.splitlines() in (
            [
                "error: session t0-0 was marked not completed (student-absent) and "
                "is locked; it cannot be changed"
            ],
            [SAVED_MEANWHILE.format(version=1)],
        ), loser.stderr
    assert [v.version for v in versions] == list(range(1, len(versions) + 1))
    assert len(versions) == codes.count(0)
    for version in versions:
        if version.completed:
            # Every answer of a version comes from one process: none is mixed.
            names = {str(getattr(version, name)).split()[-1] for name in SIGNED}
            assert len(names) == 1, version
    if race[0][0] == race[1][0] == "mark-unattended":
        assert sorted(codes) == [0, 4]
        assert [v.reason for v in versions] == ["student-absent"]
    elif race[1][0] == "give" and codes != [0, 0]:
        # The second began before the first saved: it is refused.
        assert sorted(codes) == [0, 5]
        (winner,) = versions
        assert runs["AB".index(winner.comments[-1])].returncode == 0
    elif race[1][0] == "give":
        # The second began after the first had saved: it amends, and says so.
        first, second = versions
        amender = next(run for run in runs if "amending" in run.stderr)
        assert "amending the feedback on t0-0 (version 1)" in amender.stderr
        assert f"by {second.comments.split()[-1]}" == second.comments
        assert first.comments != second.comments
        assert amender is runs["AB".index(second.comments[-1])]
    elif codes == [0, 0]:
        # The feedback came first; marking it unattended amends it.
        assert [v.completed for v in versions] == [True, False]
        assert versions[0].comments == "by A"
    elif codes == [0, 5]:
        # The feedback was saved while marking it waited: marking is refused.
        assert [v.completed for v in versions] == [True]
    else:
        # The session was marked unattended first, and so is locked.
        assert codes == [4, 0]
        assert [v.reason for v in versions] == ["student-absent"]


@pytest.mark.parametrize("second", ["give", "give-from"], ids=["give", "give-from"])
def test_two_gives_waiting_on_one_session_one_saves_the_other_is_told(
    cli: Runner, env: dict[str, str], store_path: Path, tmp_path: Path, second: str
) -> None:
    load_school(cli, tmp_path, school(tutors=1, per_tutor=1))
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps(
            {
                "session": "t0-0",
                "completed": True,
                "platform": "meet B",
                "goal": GOAL,
                "add_to_plan": True,
                "focus": "Focus B",
                "language_seen": "seen B",
                "follow_up": "next B",
                "comments": "by B",
            }
        )
    )
    commands = (
        signed_give("A"),
        signed_give("B")
        if second == "give"
        else ("give", "--no-input", "--from", str(rows)),
    )

    # Both start while another writer holds the lock, so both are running
    # before either can save: the race is certain, not left to timing.
    with ThreadPoolExecutor(2) as pool:
        with store_lock_held(store_path):
            waiting = [
                pool.submit(fbcli, env, "--as", "t0", *command) for command in commands
            ]
            time.sleep(4)
            assert not any(run.done() for run in waiting)
        runs = [run.result() for run in waiting]

    codes = [run.returncode for run in runs]
    assert sorted(codes) == [0, 5], [run.stderr for run in runs]
    winner = runs[codes.index(0)]
    loser = runs[codes.index(5)]
    assert SAVED_MEANWHILE.format(version=1).removeprefix("error: ") in loser.stderr
    with open_store(str(store_path)) as store:
        (saved,) = store.feedback_versions("t0-0")
    names = {str(getattr(saved, name)).split()[-1] for name in SIGNED}
    assert names == {"AB"[runs.index(winner)]}
    assert saved.saved_at is not None
