"""fbcli init and fbcli import through the real entry point."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from fbcli.rules.model import Feedback, parse_time
from fbcli.store import open_store
from fbcli.store.base import Dump
from tests.conftest import DatabaseStore, Runner, StoreHandle, store_dump
from tests.test_give import another_location, holds_a_store

pytestmark = pytest.mark.every_backend

SCHOOL = {
    "tutors": [
        {
            "id": "maria",
            "name": "Maria Lopez",
            "email": "maria@school.test",
            "role": "tutor",
        },
        {
            "id": "olga",
            "name": "Olga Ivanova",
            "email": "olga@school.test",
            "role": "admin",
        },
    ],
    "students": [
        {"id": "ST-1", "name": "Ann Lee", "levels": {"fluency": 6, "accuracy": 4}},
        {"id": "ST-2", "name": "Bo Chen"},
    ],
    "sessions": [
        {
            "id": "S-1",
            "tutor": "maria",
            "student": "ST-1",
            "start": "2026-11-27T10:00:00+01:00",
        },
        {
            "id": "S-2",
            "tutor": "maria",
            "student": "ST-2",
            "start": "2026-11-30T16:00:00+00:00",
            "minutes": 45,
        },
        {
            "id": "S-3",
            "tutor": "maria",
            "student": "ST-1",
            "start": "2026-12-01T09:00:00+00:00",
        },
    ],
}


def store_file(store: StoreHandle) -> Path:
    """The file a JSON or SQLite store is kept in."""
    if isinstance(store, Path):
        return store
    assert store.location.startswith("sqlite:///"), store.location
    return Path(store.location.removeprefix("sqlite:///"))


def write_json(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value))
    return path


def test_init_creates_an_owner_only_store(
    cli: Runner, store_path: StoreHandle, backend: str
) -> None:
    if backend == "postgresql":
        pytest.skip("about the store file's permissions; PostgreSQL keeps no file")
    result = cli("init")

    assert result.code == 0
    assert str(store_path) in result.stderr
    assert stat.S_IMODE(store_file(store_path).stat().st_mode) == 0o600


def test_init_refuses_to_overwrite_a_store(
    cli: Runner, store_path: StoreHandle
) -> None:
    cli("init")
    before = store_path.read_bytes()

    result = cli("init", "--demo")

    assert result.code == 5
    assert "--force" in result.stderr
    assert store_path.read_bytes() == before


def test_init_force_replaces_and_keeps_a_backup(
    cli: Runner,
    store_path: StoreHandle,
    tmp_path: Path,
    backend: str,
    demo_records: Dump,
) -> None:
    cli("init")
    assert cli("import", str(write_json(tmp_path / "school.json", SCHOOL))).code == 0
    before = store_path.read_bytes()

    result = cli("init", "--demo", "--force")

    assert result.code == 0
    assert store_dump(store_path) == demo_records
    if backend == "postgresql":
        return  # no file to keep: the old tables were dropped, none of it is left
    backup = store_file(store_path).with_name(store_file(store_path).name + ".bak")
    if backend == "json":
        assert backup.read_bytes() == before
    else:
        assert DatabaseStore(f"sqlite:///{backup}").read_bytes() == before


def test_init_makes_the_data_folder_when_no_path_is_given(
    cli: Runner, env: dict[str, str], monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    if backend != "json":
        pytest.skip("about the JSON file fbcli keeps when no store is named")
    monkeypatch.delenv("FBCLI_DB")

    result = cli("init")

    assert result.code == 0
    assert (Path(env["XDG_DATA_HOME"]) / "fbcli" / "store.json").is_file()


def test_db_comes_before_fbcli_db_which_comes_before_the_data_folder(
    cli: Runner,
    env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    backend: str,
    request: pytest.FixtureRequest,
) -> None:
    from_env = env["FBCLI_DB"]
    in_data_folder = Path(env["XDG_DATA_HOME"]) / "fbcli" / "store.json"

    with another_location(backend, tmp_path, request, "named") as named:
        assert cli("--db", named, "init").code == 0
        assert holds_a_store(named) and not holds_a_store(from_env)
    assert cli("init").code == 0
    assert holds_a_store(from_env) and not in_data_folder.exists()
    monkeypatch.delenv("FBCLI_DB")
    assert cli("init").code == 0
    assert in_data_folder.is_file()


def test_import_loads_tutors_students_and_sessions(cli: Runner, tmp_path: Path) -> None:
    cli("init")
    export = write_json(tmp_path / "school.json", SCHOOL)

    result = cli("import", str(export), "--json")

    assert result.code == 0
    assert json.loads(result.stdout) == {
        "tutors": 2,
        "students": 2,
        "sessions": 3,
        "kept_with_feedback": 0,
    }
    shown = json.loads(cli("show", "S-1", "--json").stdout)
    assert shown["start"] == "2026-11-27T09:00:00+00:00"
    assert shown["minutes"] == 30


def test_importing_twice_changes_nothing(
    cli: Runner, tmp_path: Path, store_path: StoreHandle
) -> None:
    cli("init")
    export = write_json(tmp_path / "school.json", SCHOOL)
    cli("import", str(export))
    once = store_path.read_bytes()
    records = store_dump(store_path)

    result = cli("import", str(export))

    assert result.code == 0
    assert store_path.read_bytes() == once
    assert store_dump(store_path) == records


def test_import_csv_sessions(cli: Runner, tmp_path: Path) -> None:
    cli("init")
    cli(
        "import",
        str(
            write_json(
                tmp_path / "school.json",
                {"tutors": SCHOOL["tutors"], "students": SCHOOL["students"]},
            )
        ),
    )
    csv = tmp_path / "sessions.csv"
    csv.write_text(
        "id,tutor,student,start,minutes\n"
        "S-10,maria,ST-1,2026-11-29T10:00:00+00:00,30\n"
        "S-11,maria,ST-2,2026-11-29T11:00:00+00:00,\n"
    )

    result = cli("import", str(csv))

    assert result.code == 0, result.stderr
    assert "2 sessions" in result.stdout
    assert json.loads(cli("show", "S-11", "--json").stdout)["minutes"] == 30


BAD_ROWS = {
    "bad-time": (
        "id,tutor,student,start,minutes\nS-10,maria,ST-1,tomorrow,30\n",
        "line 2",
    ),
    "no-offset": (
        "id,tutor,student,start,minutes\nS-10,maria,ST-1,2026-11-29T10:00:00,30\n",
        "offset",
    ),
    "bad-minutes": (
        "id,tutor,student,start,minutes\nS-10,maria,ST-1,2026-11-29T10:00:00Z,half\n",
        "minutes",
    ),
    "unknown-tutor": (
        "id,tutor,student,start,minutes\nS-10,bob,ST-1,2026-11-29T10:00:00Z,30\n",
        "unknown tutor",
    ),
    "bad-header": (
        "session,tutor,student,start\nS-10,maria,ST-1,2026-11-29T10:00:00Z\n",
        "header",
    ),
    "short-row": ("id,tutor,student,start,minutes\nS-10,maria\n", "line 2"),
    "duplicate": (
        "id,tutor,student,start,minutes\nS-10,maria,ST-1,2026-11-29T10:00:00Z,30\nS-10,maria,ST-1,2026-11-29T11:00:00Z,30\n",
        "more than once",
    ),
}


@pytest.mark.parametrize(("content", "said"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_csv_row_imports_nothing(
    cli: Runner, tmp_path: Path, store_path: StoreHandle, content: str, said: str
) -> None:
    cli("init")
    cli(
        "import",
        str(
            write_json(
                tmp_path / "school.json",
                {"tutors": SCHOOL["tutors"], "students": SCHOOL["students"]},
            )
        ),
    )
    before = store_path.read_bytes()
    csv = tmp_path / "sessions.csv"
    csv.write_text(content)

    result = cli("import", str(csv))

    assert result.code == 1
    assert said in result.stderr
    assert "nothing was imported" in result.stderr
    assert store_path.read_bytes() == before


def test_every_bad_row_is_reported(cli: Runner, tmp_path: Path) -> None:
    cli("init")
    export = {
        "tutors": [{"id": "maria", "name": "Maria", "role": "boss"}],
        "students": [
            {"id": "ST 1", "name": "Ann"},
            {"id": "ST-2", "name": "Bo", "levels": {"fluency": 11}},
        ],
        "sessions": [{"id": "S-1", "tutor": "maria", "student": "ST-2"}],
    }

    result = cli("import", str(write_json(tmp_path / "bad.json", export)))

    assert result.code == 1
    for where in ("tutors[1]", "students[1]", "students[2]", "sessions[1]"):
        assert where in result.stderr


@pytest.mark.parametrize(
    "content",
    ["{", "[1, 2]", "null", '{"sessions": {}}'],
    ids=["truncated", "list", "null", "not-a-list"],
)
def test_malformed_json_exports_are_refused(
    cli: Runner, tmp_path: Path, store_path: StoreHandle, content: str
) -> None:
    cli("init")
    before = store_path.read_bytes()
    export = tmp_path / "bad.json"
    export.write_text(content)

    result = cli("import", str(export))

    assert result.code == 1
    assert "Traceback" not in result.stderr
    assert store_path.read_bytes() == before


def test_import_of_a_missing_file(cli: Runner, tmp_path: Path) -> None:
    cli("init")

    result = cli("import", str(tmp_path / "nope.json"))

    assert result.code == 2
    assert "nope.json" in result.stderr


def test_init_json_names_the_store_and_counts_the_demo(
    cli: Runner, store_path: StoreHandle
) -> None:
    result = cli("init", "--demo", "--json")

    shown = json.loads(result.stdout)
    assert result.code == 0
    assert shown["store"] == str(store_path)
    assert shown["tutors"] >= 3 and shown["sessions"] >= 100
    assert result.stderr == ""


def test_every_bad_csv_row_is_reported_at_its_line_in_file_order(
    cli: Runner, tmp_path: Path, store_path: StoreHandle
) -> None:
    cli("init")
    cli("import", str(write_json(tmp_path / "school.json", SCHOOL)))
    before = store_path.read_bytes()
    csv = tmp_path / "sessions.csv"
    csv.write_text(
        "id,tutor,student,start,minutes\n"
        "S-10,bob,ST-1,2026-11-29T10:00:00Z,30\n"
        "S-11,maria,ST-1,tomorrow,30\n"
        "S-12,maria,ST-2,2026-11-29T11:00:00Z,30\n"
        "S-10,maria,ST-9,2026-11-29T12:00:00Z,30\n"
    )

    result = cli("import", str(csv))

    assert result.code == 1
    assert result.stderr.splitlines() == [
        f"{csv}: line 2: unknown tutor 'bob'",
        f"{csv}: line 3: start 'tomorrow' is not an ISO 8601 time with an offset",
        f"{csv}: line 5: session 'S-10' appears more than once (first at line 2)",
        f"{csv}: line 5: unknown student 'ST-9'",
        f"error: 4 problems in {csv}; nothing was imported",
    ]
    assert store_path.read_bytes() == before


def test_unknown_names_in_a_json_export_are_reported_at_their_row(
    cli: Runner, tmp_path: Path
) -> None:
    cli("init")
    export = {
        "students": [{"id": "ST-1", "name": "Ann"}],
        "sessions": [
            {
                "id": "S-1",
                "tutor": "ghost",
                "student": "ST-1",
                "start": "2026-11-29T10:00Z",
            },
            {
                "id": "S-2",
                "tutor": "ghost",
                "student": "ST-1",
                "start": "2026-11-29T11:00Z",
            },
        ],
    }

    result = cli("import", str(write_json(tmp_path / "bad.json", export)))

    assert result.code == 1
    assert "sessions[1]: unknown tutor 'ghost'" in result.stderr
    assert "sessions[2]: unknown tutor 'ghost'" in result.stderr
    assert "2 problems" in result.stderr


def test_a_session_with_feedback_keeps_it_and_its_time_when_imported_again(
    cli: Runner, tmp_path: Path, store_path: StoreHandle
) -> None:
    cli("init")
    cli("import", str(write_json(tmp_path / "school.json", SCHOOL)))
    with open_store(str(store_path), write=True) as store:
        store.add_feedback(
            [
                Feedback(
                    "S-1",
                    "maria",
                    parse_time("2026-11-27T12:00:00Z"),
                    completed=True,
                    focus="Articles",
                )
            ]
        )
    moved = json.loads(json.dumps(SCHOOL))
    for session in moved["sessions"]:
        session["start"] = "2026-11-28T08:00:00+00:00"

    result = cli("import", str(write_json(tmp_path / "moved.json", moved)), "--json")

    assert result.code == 0
    assert json.loads(result.stdout)["kept_with_feedback"] == 1
    kept = json.loads(cli("show", "S-1", "--json").stdout)
    assert kept["start"] == "2026-11-27T09:00:00+00:00"
    assert kept["feedback"]["focus"] == "Articles"
    assert kept["status"] == "completed"
    assert json.loads(cli("show", "S-2", "--json").stdout)["start"] == (
        "2026-11-28T08:00:00+00:00"
    )
