"""Bad stores through real commands: exit 5, one clear line, not one byte changed.

Permissions do not stop root, so the permission cases run fbcli as an
unprivileged user: ``nobody`` when it can run this Python, else root without
the capabilities that let it ignore file modes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import NOW, Result, Runner

SCHOOL = {
    "tutors": [{"id": "maria", "name": "Maria"}],
    "students": [{"id": "ST-1", "name": "Ann"}],
    "sessions": [
        {
            "id": "S-1",
            "tutor": "maria",
            "student": "ST-1",
            "start": "2026-11-20T09:00:00+00:00",
        }
    ],
}
BATCH = {
    "sessions": [
        {
            "id": "S-2",
            "tutor": "maria",
            "student": "ST-1",
            "start": "2026-11-21T09:00:00+00:00",
        }
    ]
}
VALID = (
    b'{"meta": {"1": {"schema_version": 1}}, "tutors": {"1": {"id": "maria", '
    b'"name": "Maria"}}, "students": {}, "sessions": {}}'
)

# The list of stores fbcli must refuse without touching them.
BAD_CONTENT = {
    "empty": b"",
    "whitespace": b" \n\t\n",
    "truncated": VALID[:-9],
    "trailing-garbage": VALID + b" {}",
    "nul-bytes": VALID[:20] + b"\x00" + VALID[20:],
    "only-nul-bytes": b"\x00" * 64,
    "null": b"null",
    "list": b"[]",
    "string": b'"store.json"',
    "number": b"42",
    "table-is-a-list": VALID[:-1] + b', "feedback": []}',
    "record-is-a-string": VALID[:-1] + b', "feedback": {"1": "x"}}',
    "unknown-schema-version": VALID.replace(
        b'"schema_version": 1', b'"schema_version": 2'
    ),
    "schema-version-as-text": VALID.replace(
        b'"schema_version": 1', b'"schema_version": "1"'
    ),
    "no-meta": b'{"tutors": {}}',
    "utf-16": VALID.decode().encode("utf-16"),
}

GIVE = (
    "--as",
    "maria",
    "give",
    "S-1",
    "--no-input",
    "--completed",
    "--platform",
    "zoom",
    "--eval",
    "fluency=+",
    "--goal",
    "narrative-tenses",
    "--add-to-plan",
    "--focus",
    "Narrative tenses",
    "--language-seen",
    "had been -ing",
    "--follow-up",
    "Past perfect drills",
)
MARK_UNATTENDED = ("--as", "maria", "mark-unattended", "S-1", "--yes", "--no-input")

COMMANDS = {
    "pending": ("--as", "maria", "pending"),
    "sessions": ("--as", "maria", "sessions", "--json"),
    "show": ("show", "S-1"),
    "stats": ("--as", "maria", "stats"),
    "plan-show": ("--as", "maria", "plan", "show", "ST-1"),
    "import": ("import", "{batch}"),
    "init": ("init",),
    "init-demo": ("init", "--demo"),
    "give": GIVE,
    "give-from": ("--as", "maria", "give", "--no-input", "--from", "{rows}"),
    "mark-unattended": MARK_UNATTENDED,
    "plan-set": ("--as", "maria", "plan", "set", "ST-1", "narrative-tenses"),
}
FEEDBACK_ROWS = (
    "session,completed,platform,eval,goal,add_to_plan,focus,language_seen,follow_up\n"
    "S-1,true,zoom,fluency=+,narrative-tenses,true,Tenses,had been -ing,Drills\n"
)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in the folder and its bytes: nothing may appear, go or change.

    The writers' lock file is left out: an empty file that writers create and
    keep, whose content never matters.
    """
    return {
        p.name: p.read_bytes() if p.is_file() else b"<folder>"
        for p in folder.iterdir()
        if p.name != "store.json.lock"
    }


def assert_refused(result: Result, said: str = "") -> None:
    lines = result.stderr.splitlines()
    assert result.code == 5, result.stderr
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    assert said in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.parametrize("content", BAD_CONTENT.values(), ids=BAD_CONTENT.keys())
def test_a_bad_store_is_refused_by_every_command(
    cli: Runner,
    store_path: Path,
    tmp_path: Path,
    content: bytes,
    command: tuple[str, ...],
) -> None:
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps(BATCH))
    rows = tmp_path / "rows.csv"
    rows.write_text(FEEDBACK_ROWS)
    store_path.write_bytes(content)
    store_path.with_name("store.json.bak").write_bytes(VALID)
    before = snapshot(tmp_path)

    result = cli(*(arg.format(batch=batch, rows=rows) for arg in command))

    assert_refused(result, "store.json")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("content", BAD_CONTENT.values(), ids=BAD_CONTENT.keys())
def test_a_bad_store_is_refused_by_a_separate_process(
    cli_process: Runner, store_path: Path, tmp_path: Path, content: bytes
) -> None:
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps(BATCH))
    store_path.write_bytes(content)
    before = snapshot(tmp_path)

    result = cli_process("import", str(batch))

    assert_refused(result, "store.json")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("content", BAD_CONTENT.values(), ids=BAD_CONTENT.keys())
def test_init_force_replaces_a_bad_store_and_keeps_its_bytes_as_backup(
    cli: Runner, store_path: Path, content: bytes
) -> None:
    store_path.write_bytes(content)

    result = cli("init", "--force")

    assert result.code == 0
    assert store_path.with_name("store.json.bak").read_bytes() == content
    assert cli("doctor").code == 0


@pytest.mark.parametrize(
    "command",
    [
        ("--as", "maria", "pending"),
        ("import", "{batch}"),
        ("init", "--force"),
        GIVE,
        MARK_UNATTENDED,
    ],
    ids=["pending", "import", "init-force", "give", "mark-unattended"],
)
def test_a_folder_where_the_store_should_be_is_refused(
    cli: Runner, store_path: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps(BATCH))
    store_path.mkdir()
    (store_path / "keep").write_bytes(b"mine")
    before = snapshot(tmp_path)

    result = cli(*(arg.format(batch=batch) for arg in command))

    assert_refused(result, "is a folder")
    assert snapshot(tmp_path) == before
    assert (store_path / "keep").read_bytes() == b"mine"


# Running as someone file modes apply to.


@dataclass
class Unprivileged:
    """How to run fbcli as a user that file modes stop, in a folder it owns."""

    prefix: list[str]
    python: str
    uid: int
    gid: int
    folder: Path

    def give(self, path: Path) -> Path:
        os.chown(path, self.uid, self.gid)
        return path

    def run(self, *args: str) -> Result:
        environment = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(self.folder),
            "PYTHONPATH": os.pathsep.join(python_path()),
            "PYTHONDONTWRITEBYTECODE": "1",
            "FBCLI_NOW": NOW,
            "NO_COLOR": "1",
            "TZ": "UTC",
            "FBCLI_DB": str(self.folder / "store.json"),
        }
        done = subprocess.run(
            [*self.prefix, self.python, "-m", "fbcli", *args],
            capture_output=True,
            text=True,
            env=environment,
            cwd=self.folder,
            timeout=60,
        )
        return Result(done.returncode, done.stdout, done.stderr)


def python_path() -> list[str]:
    import fbcli

    return [
        str(Path(fbcli.__file__).resolve().parents[1]),
        sysconfig.get_paths()["purelib"],
    ]


def python_for_others() -> str:
    """An interpreter of this Python version that other users may run."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (sys.executable, shutil.which(version, path="/usr/bin:/bin")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return sys.executable


def ways_to_drop_privileges() -> list[tuple[list[str], str, int, int]]:
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0:
        return [([], sys.executable, os.getuid(), os.getgid())]
    if setpriv is None:
        return []
    return [
        (
            [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"],
            python_for_others(),
            65534,
            65534,
        ),
        (
            [setpriv, "--bounding-set=-dac_override,-dac_read_search"],
            sys.executable,
            0,
            0,
        ),
    ]


@pytest.fixture(scope="module")
def dropped() -> tuple[list[str], str, int, int]:
    """The first way of running fbcli for which file modes really apply."""
    for prefix, python, uid, gid in ways_to_drop_privileges():
        folder = Path(tempfile.mkdtemp(prefix="fbcli-modes-"))
        try:
            os.chown(folder, uid, gid)
            probe = folder / "probe"
            probe.write_text("x")
            os.chown(probe, uid, gid)
            probe.chmod(0o000)
            user = Unprivileged(prefix, python, uid, gid, folder)
            done = subprocess.run(
                [*prefix, python, "-c", "import fbcli.cli; open('probe')"],
                capture_output=True,
                text=True,
                env={"PYTHONPATH": os.pathsep.join(python_path()), "HOME": str(folder)},
                cwd=folder,
                timeout=60,
            )
            if done.returncode != 0 and "PermissionError" in done.stderr:
                return user.prefix, user.python, uid, gid
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    pytest.skip("cannot run fbcli as a user that file modes stop (no setpriv?)")


@pytest.fixture
def user(dropped: tuple[list[str], str, int, int]) -> Iterator[Unprivileged]:
    prefix, python, uid, gid = dropped
    folder = Path(tempfile.mkdtemp(prefix="fbcli-modes-"))
    folder.chmod(0o755)
    runner = Unprivileged(prefix, python, uid, gid, folder)
    runner.give(folder)
    batch = folder / "batch.json"
    batch.write_text(json.dumps(BATCH))
    runner.give(batch)
    school = folder / "school.json"
    school.write_text(json.dumps(SCHOOL))
    runner.give(school)
    assert runner.run("init").code == 0
    assert runner.run("import", str(school)).code == 0
    yield runner
    folder.chmod(0o755)
    shutil.rmtree(folder, ignore_errors=True)


def test_the_unprivileged_user_can_use_a_healthy_store(user: Unprivileged) -> None:
    result = user.run("import", str(user.folder / "batch.json"))

    assert result.code == 0, result.stderr
    assert "S-2" in user.run("--as", "maria", "sessions", "--json").stdout


MODES = {
    "unreadable-file": (
        "store.json",
        0o200,
        ("--as", "maria", "pending"),
        "permission denied",
    ),
    "unreadable-file-import": (
        "store.json",
        0o200,
        ("import", "{batch}"),
        "permission denied",
    ),
    "no-access-file": ("store.json", 0o000, ("show", "S-1"), "permission denied"),
    "unreadable-file-give": ("store.json", 0o200, GIVE, "permission denied"),
    "read-only-file": ("store.json", 0o400, ("import", "{batch}"), "permission denied"),
    "read-only-file-give": ("store.json", 0o400, GIVE, "permission denied"),
    "read-only-file-mark": (
        "store.json",
        0o400,
        MARK_UNATTENDED,
        "permission denied",
    ),
    "read-only-folder": (".", 0o555, ("import", "{batch}"), "not writable"),
    "read-only-folder-give": (".", 0o555, GIVE, "not writable"),
    "read-only-folder-init": (".", 0o555, ("init", "--force"), "not writable"),
    "read-only-lock": ("store.json.lock", 0o400, ("import", "{batch}"), "cannot lock"),
    "read-only-lock-give": ("store.json.lock", 0o400, GIVE, "cannot lock"),
}


@pytest.mark.parametrize(
    ("target", "mode", "command", "said"), MODES.values(), ids=MODES.keys()
)
def test_a_store_the_user_may_not_use_is_refused_and_left_alone(
    user: Unprivileged, target: str, mode: int, command: tuple[str, ...], said: str
) -> None:
    lock = user.folder / "store.json.lock"
    if not lock.exists():
        lock.touch()
        user.give(lock)
    (user.folder / target).chmod(mode)
    (user.folder / "store.json.lock").chmod(
        0o600 if target != "store.json.lock" else mode
    )
    before = snapshot_as_root(user.folder)

    result = user.run(
        *(arg.format(batch=user.folder / "batch.json") for arg in command)
    )

    assert_refused(result, said)
    assert snapshot_as_root(user.folder) == before


def test_a_read_only_folder_without_a_lock_file_is_refused(user: Unprivileged) -> None:
    (user.folder / "store.json.lock").unlink(missing_ok=True)
    user.folder.chmod(0o555)
    before = snapshot_as_root(user.folder)

    result = user.run("import", str(user.folder / "batch.json"))

    assert_refused(result, "not writable")
    assert snapshot_as_root(user.folder) == before


@pytest.mark.parametrize(
    ("target", "mode"),
    [("store.json", 0o400), (".", 0o555)],
    ids=["read-only-file", "read-only-folder"],
)
def test_a_store_the_user_may_only_read_still_answers_reads(
    user: Unprivileged, target: str, mode: int
) -> None:
    (user.folder / target).chmod(mode)

    result = user.run("--as", "maria", "sessions", "--json")

    assert result.code == 0, result.stderr
    assert [s["id"] for s in json.loads(result.stdout)] == ["S-1"]


@pytest.mark.parametrize(
    ("target", "mode", "said"),
    [
        ("store.json", 0o200, "cannot read"),
        ("store.json", 0o400, "cannot write"),
        (".", 0o555, "is not writable"),
    ],
    ids=["unreadable", "read-only-file", "read-only-folder"],
)
def test_doctor_names_what_the_user_may_not_do(
    user: Unprivileged, target: str, mode: int, said: str
) -> None:
    (user.folder / target).chmod(mode)

    result = user.run("doctor")

    assert result.code == 5
    assert said in result.stdout


def snapshot_as_root(folder: Path) -> dict[str, bytes]:
    names = sorted(p.name for p in folder.iterdir())
    assert not [name for name in names if ".fbcli-tmp-" in name]
    return {name: (folder / name).read_bytes() for name in names}
