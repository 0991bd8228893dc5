"""STORE.bak: every command that saves keeps the version before it, one generation.

Through real commands: the backup is exactly the store as it was before the
last save, there is only ever one, it is as private as the store, commands that
save nothing leave it alone, and following doctor's advice brings it back.
"""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from fbcli.store import open_store
from tests.conftest import Runner
from tests.test_reliability_concurrency import GIVE, load_school, school

GOAL = "narrative-tenses"


@pytest.fixture
def store(cli: Runner, store_path: Path, tmp_path: Path) -> Path:
    """Tutor t0 with three ended sessions (t0-0 ... t0-2), one per student."""
    load_school(cli, tmp_path, school(tutors=1, per_tutor=3))
    (tmp_path / "rows.jsonl").write_text(
        "\n".join(
            json.dumps(
                {
                    "session": session,
                    "completed": True,
                    "platform": "zoom",
                    "eval": "fluency=+",
                    "goal": GOAL,
                    "add_to_plan": True,
                    "focus": "Tenses",
                    "language_seen": "had been -ing",
                    "follow_up": "Drills",
                }
            )
            for session in ("t0-1", "t0-2")
        )
    )
    (tmp_path / "more.json").write_text(
        json.dumps(
            {
                "sessions": [
                    {
                        "id": "t0-new",
                        "tutor": "t0",
                        "student": "ST-0",
                        "start": "2026-11-29T09:00:00+00:00",
                    }
                ]
            }
        )
    )
    return store_path


def give(session: str, *extra: str) -> tuple[str, ...]:
    return ("--as", "t0", *GIVE[:1], session, *GIVE[1:], *extra)


WRITES = {
    "give": give("t0-0"),
    "give-amend": give("t0-0", "--comments", "second thoughts"),
    "give-from": ("--as", "t0", "give", "--no-input", "--from", "{folder}/rows.jsonl"),
    "mark-unattended": ("--as", "t0", "mark-unattended", "t0-1", "--yes", "--no-input"),
    "plan-set": ("--as", "t0", "plan", "set", "ST-0", GOAL, "articles", "--no-input"),
    "plan-add": ("--as", "t0", "plan", "add", "ST-1", "articles"),
    "import": ("import", "{folder}/more.json"),
    "init-force": ("init", "--force"),
}


def backups(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".bak" in p.name)


def run(cli: Runner, command: tuple[str, ...], folder: Path) -> None:
    result = cli(*(arg.format(folder=folder) for arg in command))
    assert result.code == 0, result.stderr


@pytest.mark.parametrize("name", WRITES)
def test_each_save_keeps_the_store_before_it_as_the_backup(
    cli: Runner, store: Path, tmp_path: Path, name: str
) -> None:
    if name == "give-amend":
        run(cli, WRITES["give"], tmp_path)
    command = WRITES[name]
    before = store.read_bytes()

    run(cli, command, tmp_path)

    backup = store.with_name("store.json.bak")
    assert store.read_bytes() != before
    assert backup.read_bytes() == before
    assert backups(tmp_path) == ["store.json.bak"]
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.stat().st_mode) == 0o600


def test_the_backup_is_one_generation(cli: Runner, store: Path, tmp_path: Path) -> None:
    saves = [store.read_bytes()]
    for command in WRITES.values():
        run(cli, command, tmp_path)
        saves.append(store.read_bytes())

        assert store.with_name("store.json.bak").read_bytes() == saves[-2]
        assert backups(tmp_path) == ["store.json.bak"]

    assert len(set(saves)) == len(saves)


SAVING_NOTHING = {
    "not-your-session": (("--as", "olga", *give("t0-0")[2:]), 4),
    "missing-answer": (("--as", "t0", "give", "t0-0", "--no-input", "--completed"), 1),
    "unknown-session": (give("S-404"), 3),
    "unknown-goal": (("--as", "t0", "plan", "set", "ST-0", "no-such-goal"), 3),
    "bad-import": (("import", "{folder}/rows.jsonl"), 1),
    "dry-run": (give("t0-0", "--dry-run"), 0),
    "strict": (give("t0-0", "--great-work", "--strict"), 1),
    "pending": (("--as", "t0", "pending"), 0),
    "stats": (("--as", "olga", "stats", "--all"), 0),
    "doctor": (("doctor",), 0),
}


@pytest.mark.parametrize(
    ("command", "code"), SAVING_NOTHING.values(), ids=SAVING_NOTHING.keys()
)
def test_a_command_that_saves_nothing_leaves_store_and_backup_alone(
    cli: Runner, store: Path, tmp_path: Path, command: tuple[str, ...], code: int
) -> None:
    run(cli, WRITES["import"], tmp_path)
    before = store.read_bytes()
    backup_before = store.with_name("store.json.bak").read_bytes()

    result = cli(*(arg.format(folder=tmp_path) for arg in command))

    assert result.code == code, result.stderr
    assert store.read_bytes() == before
    assert store.with_name("store.json.bak").read_bytes() == backup_before


def test_a_broken_store_comes_back_from_the_backup_as_doctor_says(
    cli: Runner, store: Path, tmp_path: Path
) -> None:
    run(cli, give("t0-0"), tmp_path)
    run(cli, give("t0-2", "--comments", "the last save"), tmp_path)
    store.write_bytes(store.read_bytes()[:-40])
    refused = cli("--as", "t0", "pending")

    advice = cli("doctor")
    for line in advice.stdout.splitlines():
        if line.startswith("  cp "):
            source, target = line.split("#")[0].split()[1:]
            shutil.copy(source, target)

    assert refused.code == 5
    assert advice.code == 5
    assert cli("doctor").code == 0
    assert (tmp_path / "store.json.broken").exists()
    with open_store(str(store)) as recovered:
        assert recovered.feedback("t0-0") is not None
        assert recovered.feedback("t0-2") is None
