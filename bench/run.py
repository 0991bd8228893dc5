"""Time whole fbcli processes against the floor of their stack; write results.md.

    python -m bench.run              # what `make bench` runs
    python -m bench.run --quick      # a smoke run: N=1,000 only, 3 runs a case

Every case is a whole process, started and waited for here (``os.wait4``
gives each child's peak memory). All cases, baselines included, take turns
within each round, so a burst of load on the machine hits them alike; each
figure is the median of its runs. Copying a store before a run that writes
to it is not timed.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import orjson

from bench import generate
from bench.generate import Manifest
from fbcli.rules.model import format_time

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results.md"
REFERENCE = BENCH / "sqlite_reference.py"
PACKAGES = (
    "typer",
    "click",
    "rich",
    "tinydb",
    "orjson",
    "questionary",
    "prompt_toolkit",
    "fasteners",
    "platformdirs",
    "psycopg",
)
TYPER_RELEASES = ("0.28.0", "0.29.2")
BATCH_STORE = 10_000
BATCH_ROWS = (1_000, 10_000)
LOOP_STORE = 10_000
LOOP_GIVES = 100
MB = 1024 * 1024

FLOOR = "import typer, tinydb"
BACKEND_NAMES = {"json": "JSON", "sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Store sizes each backend runs at by default; the JSON file stops at 100,000.
DEFAULT_SIZES = {
    "json": (1_000, 10_000, 100_000),
    "sqlite": (100_000, 1_000_000),
    "postgresql": (100_000, 1_000_000),
}
QUICK_BACKENDS = ("json", "sqlite")
JSON_LARGEST = 100_000


class CaseFailed(Exception):
    pass


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_kb: int


@dataclass
class Case:
    """One command line, timed as a whole process."""

    key: str
    title: str
    prepare: Callable[[int], list[str]]  # untimed set-up for run i; the argv
    runs: int
    size: int | None = None
    per: int = 1  # processes in one run (the shell loop)
    env: dict[str, str] = field(default_factory=dict)
    check: Callable[[bytes], None] | None = None
    samples: list[Sample] = field(default_factory=list)
    unavailable: str = ""
    backend: str = "json"

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(s.peak_kb for s in self.samples) / 1024


@dataclass(frozen=True)
class Generated:
    """A store a case reads: made in this run (timed) or found in the cache."""

    backend: str
    sessions: int
    backfill: int
    made: generate.Made | None
    sample: Sample | None  # the generating process, when made in this run


@dataclass
class Bench:
    work: Path
    stores: Path
    quick: bool
    runs: int
    env: dict[str, str]
    cases: list[Case] = field(default_factory=list)
    files: list[tuple[str, Path, Manifest, Path | None]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    batches: list[tuple[int, Callable[[int], list[str]]]] = field(default_factory=list)
    server: str = generate.PG_SERVER
    generated: list[Generated] = field(default_factory=list)
    # Bytes each store takes, by (backend, sessions).
    store_bytes: dict[tuple[str, int], int] = field(default_factory=dict)
    # PostgreSQL schemas made for this run only, dropped at its end.
    scratch: list[str] = field(default_factory=list)
    database_notes: list[str] = field(default_factory=list)

    def case(self, key: str) -> Case | None:
        return next((c for c in self.cases if c.key == key), None)


def fbcli_argv() -> list[str]:
    script = Path(sys.executable).with_name("fbcli")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "fbcli"]


def base_env(work: Path) -> dict[str, str]:
    home = work / "home"
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "FBCLI_NOW": format_time(generate.NOW),
        "NO_COLOR": "1",
        "TZ": "UTC",
        "LANG": "C.UTF-8",
        "COLUMNS": "100",
    }


class Launcher:
    """The small process that starts every timed command (see bench/launcher.py)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-S", str(BENCH / "launcher.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(
        self,
        argv: Sequence[str],
        env: dict[str, str],
        cwd: Path,
        out: Path | None,
        err: Path,
    ) -> tuple[float, int, int]:
        assert self.process.stdin is not None and self.process.stdout is not None
        request = {
            "argv": list(argv),
            "env": env,
            "cwd": str(cwd),
            "stdout": str(out) if out else None,
            "stderr": str(err),
        }
        self.process.stdin.write(orjson.dumps(request).decode() + "\n")
        self.process.stdin.flush()
        seconds, peak_kb, code = orjson.loads(self.process.stdout.readline())
        return float(seconds), int(peak_kb), int(code)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


LAUNCHER: Launcher | None = None


def run_process(
    argv: Sequence[str], env: dict[str, str], cwd: Path, *, keep_output: bool = False
) -> tuple[Sample, bytes]:
    """Run one process to its end: wall time from start to exit, and peak memory."""
    assert LAUNCHER is not None
    out = cwd / "stdout.txt" if keep_output else None
    err = cwd / "stderr.txt"
    seconds, peak_kb, code = LAUNCHER.run(argv, env, cwd, out, err)
    if code != 0:
        lines = err.read_text(errors="replace").strip().splitlines()
        last = lines[-1] if lines else "(no message)"
        raise CaseFailed(f"exit {code}: {last}")
    return Sample(seconds, peak_kb), out.read_bytes() if out else b""


def fixed(argv: list[str]) -> Callable[[int], list[str]]:
    """The same command line for every run."""
    return lambda run: argv


def check_json(output: bytes) -> None:
    orjson.loads(output)


# Cases.


def add_baselines(bench: Bench) -> None:
    python = sys.executable
    bench.cases += [
        Case("pass", "python -c pass", fixed([python, "-c", "pass"]), bench.runs),
        Case(
            "floor",
            f'python -c "{FLOOR}" (the floor)',
            fixed([python, "-c", FLOOR]),
            bench.runs,
        ),
        Case(
            "version",
            "fbcli --version",
            fixed([*fbcli_argv(), "--version"]),
            bench.runs,
        ),
    ]


def add_demo(bench: Bench) -> None:
    demo = bench.work / "demo.json"
    try:
        run_process(
            [*fbcli_argv(), "--db", str(demo), "init", "--demo"], bench.env, bench.work
        )
    except CaseFailed as failure:
        bench.notes.append(f"the demo store could not be made ({failure})")
        return
    argv = [*fbcli_argv(), "--db", str(demo), "--as", "maria", "pending", "--json"]
    bench.cases.append(
        Case(
            "demo-pending",
            "fbcli pending --json (demo store)",
            fixed(argv),
            bench.runs,
            check=check_json,
        )
    )


def add_typer_releases(bench: Bench) -> None:
    """fbcli on typer 0.28 and 0.29 side by side, each from its own folder."""
    demo = bench.work / "demo.json"
    for release in TYPER_RELEASES:
        folder = bench.stores / f"typer-{release}"
        if not (folder / "typer").is_dir():
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--target",
                    str(folder),
                    f"typer=={release}",
                ],
                capture_output=True,
                text=True,
            )
            if not (folder / "typer").is_dir():
                bench.notes.append(
                    f"typer {release} could not be installed: {done.stderr.strip()[-200:]}"
                )
                continue
        argv = [
            sys.executable,
            "-m",
            "fbcli",
            "--db",
            str(demo),
            "--as",
            "maria",
            "pending",
            "--json",
        ]
        bench.cases.append(
            Case(
                f"typer-{release}",
                f"python -m fbcli pending --json (demo store), typer {release}",
                fixed(argv),
                bench.runs,
                env={"PYTHONPATH": str(folder)},
                check=check_json,
            )
        )


def prepare_store(
    bench: Bench, backend: str, size: int, backfill: int = 0
) -> tuple[str, Manifest]:
    """The cached store (its location), generated first in a timed process if missing."""
    sample = None
    if not generate.is_cached(
        backend, size, backfill=backfill, stores=bench.stores, server=bench.server
    ):
        extra = f" + {backfill:,} backlog" if backfill else ""
        print(
            f"  generating {backend} store of {size:,} sessions{extra}", file=sys.stderr
        )
        argv = [
            sys.executable,
            "-m",
            "bench.generate",
            str(size),
            "--backend",
            backend,
            "--backfill",
            str(backfill),
            "--stores",
            str(bench.stores),
            "--server",
            bench.server,
        ]
        env = {**bench.env, "PYTHONPATH": str(BENCH.parent)}
        sample, _ = run_process(argv, env, bench.work)
    location, manifest = generate.cached(
        backend, size, backfill=backfill, stores=bench.stores, server=bench.server
    )
    if not any(
        (g.backend, g.sessions, g.backfill) == (backend, size, backfill)
        for g in bench.generated
    ):
        made = generate.made(bench.stores, size, backend, backfill)
        bench.generated.append(Generated(backend, size, backfill, made, sample))
    return location, manifest


def add_database_size(bench: Bench, backend: str, size: int) -> None:
    """pending, show, give and stats on a SQLite file or a PostgreSQL schema.

    Reads use the store as generated (SQLite: a copy in the work folder); give
    runs on a working copy made once, untimed, on a different pending session
    each run, so each run gives feedback on a session still pending.
    """
    location, manifest = prepare_store(bench, backend, size)
    name = BACKEND_NAMES[backend]
    if backend == "sqlite":
        cached = Path(location.removeprefix("sqlite:///"))
        bench.store_bytes[(backend, size)] = cached.stat().st_size
        folder = bench.work / f"{backend}-n{size}"
        folder.mkdir(exist_ok=True)
        for copy in ("read.db", "give.db"):
            shutil.copyfile(cached, folder / copy)
            warm_file(folder / copy)
        reading = generate.sqlite_url(folder / "read.db")
        giving_at = generate.sqlite_url(folder / "give.db")
    else:
        schema = generate.schema_name(size)
        bench.store_bytes[(backend, size)] = generate.pg_size(bench.server, schema)
        work = f"fbcli_bench_work_{size}"
        bench.scratch.append(work)
        started = time.perf_counter()
        giving_at = generate.copy_schema(bench.server, schema, work)
        bench.database_notes.append(
            f"{name}, {size:,} sessions: the working copy for give (schema {work}, "
            f"dropped at the end) took {time.perf_counter() - started:.1f} s to copy, "
            "untimed."
        )
        reading = location
    fb = [*fbcli_argv(), "--db"]
    giving = manifest.give
    if not giving:
        bench.notes.append(f"no pending session to give feedback on at N={size}")

    def give_argv(i: int) -> list[str]:
        session, tutor, goal = giving[i % len(giving)]
        return [
            *fb,
            giving_at,
            "--as",
            tutor,
            "give",
            session,
            *give_flags(goal),
            "--no-input",
        ]

    stats = [*fb, reading, "--as", manifest.admin, "stats", "--all", "--format"]
    pending = [*fb, reading, "--as", manifest.pending_tutor, "pending", "--json"]
    show = [*fb, reading, "show", manifest.shown_session, "--json"]
    bench.cases += [
        Case(
            f"{backend}-pending-{size}",
            "fbcli pending --json",
            fixed(pending),
            bench.runs,
            size,
            check=check_json,
            backend=backend,
        ),
        Case(
            f"{backend}-show-{size}",
            "fbcli show SESSION --json",
            fixed(show),
            bench.runs,
            size,
            check=check_json,
            backend=backend,
        ),
        Case(
            f"{backend}-give-{size}",
            "fbcli give SESSION ... --no-input",
            give_argv,
            bench.runs,
            size,
            backend=backend,
        ),
        Case(
            f"{backend}-stats-{size}",
            "fbcli stats --all --format json",
            fixed([*stats, "json"]),
            bench.runs,
            size,
            check=check_json,
            backend=backend,
        ),
    ]


def add_size(bench: Bench, size: int) -> None:
    location, manifest = prepare_store(bench, "json", size)
    store = Path(location)
    bench.store_bytes[("json", size)] = store.stat().st_size
    folder = bench.work / f"n{size}"
    folder.mkdir(exist_ok=True)
    reading = folder / "store.json"
    shutil.copyfile(store, reading)
    database = folder / "reference.db"
    database.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, str(REFERENCE), "load", str(store), str(database)], check=True
    )
    bench.files.append((f"{size:,} sessions", store, manifest, database))
    fb = [*fbcli_argv(), "--db"]
    ref = [sys.executable, str(REFERENCE)]
    giving = manifest.give
    if not giving:
        bench.notes.append(f"no pending session to give feedback on at N={size}")

    def give_argv(i: int) -> list[str]:
        session, tutor, goal = giving[i % len(giving)]
        copy = folder / "give.json"
        shutil.copyfile(store, copy)
        return [
            *fb,
            str(copy),
            "--as",
            tutor,
            "give",
            session,
            *give_flags(goal),
            "--no-input",
        ]

    def reference_give_argv(i: int) -> list[str]:
        session, tutor, goal = giving[i % len(giving)]
        copy = folder / "give.db"
        shutil.copyfile(database, copy)
        return [*ref, "give", str(copy), session, tutor, goal]

    pending = manifest.pending_tutor
    bench.cases += [
        Case(
            f"pending-{size}",
            "fbcli pending --json",
            fixed([*fb, str(reading), "--as", pending, "pending", "--json"]),
            bench.runs,
            size,
            check=check_json,
        ),
        Case(
            f"show-{size}",
            "fbcli show SESSION --json",
            fixed([*fb, str(reading), "show", manifest.shown_session, "--json"]),
            bench.runs,
            size,
            check=check_json,
        ),
        Case(
            f"give-{size}",
            "fbcli give SESSION ... --no-input",
            give_argv,
            bench.runs,
            size,
        ),
        Case(
            f"stats-{size}",
            "fbcli stats --all --format json",
            fixed(
                [
                    *fb,
                    str(reading),
                    "--as",
                    manifest.admin,
                    "stats",
                    "--all",
                    "--format",
                    "json",
                ]
            ),
            bench.runs,
            size,
            check=check_json,
        ),
        Case(
            f"ref-pending-{size}",
            "sqlite3 reference: pending",
            fixed([*ref, "pending", str(database), pending]),
            bench.runs,
            size,
            check=check_json,
        ),
        Case(
            f"ref-give-{size}",
            "sqlite3 reference: give",
            reference_give_argv,
            bench.runs,
            size,
            check=check_json,
        ),
        Case(
            f"ref-stats-{size}",
            "sqlite3 reference: stats",
            fixed([*ref, "stats", str(database)]),
            bench.runs,
            size,
            check=check_json,
        ),
    ]


def give_flags(goal: str) -> list[str]:
    # Levels are kept (=): a + on a student already at the top would be refused.
    return [
        "--completed",
        "--platform",
        "zoom",
        "--eval",
        "fluency==",
        "--goal",
        goal,
        "--focus",
        "Phrasal verbs",
        "--language-seen",
        "get on, get over, get by",
        "--follow-up",
        "More phrasal verbs with get",
    ]


def add_loop(bench: Bench, size: int, gives: int, runs: int) -> None:
    """A shell loop of `fbcli give` calls, as a tutor's script would run them."""
    location, manifest = prepare_store(bench, "json", size)
    store = Path(location)
    folder = bench.work / f"loop{size}"
    folder.mkdir(exist_ok=True)
    copy = folder / "store.json"
    chosen = manifest.give[:gives]
    lines = [
        " ".join(
            shlex_quote(a)
            for a in [
                *fbcli_argv(),
                "--as",
                tutor,
                "give",
                session,
                *give_flags(goal),
                "--no-input",
            ]
        )
        + " >/dev/null || exit 1"
        for session, tutor, goal in chosen
    ]
    script = folder / "loop.sh"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def loop_argv(i: int) -> list[str]:
        shutil.copyfile(store, copy)
        return ["/bin/sh", str(script)]

    bench.cases.append(
        Case(
            f"loop-{size}",
            f"shell loop of {len(chosen)} fbcli give --no-input",
            loop_argv,
            runs,
            size,
            per=len(chosen),
            env={"FBCLI_DB": str(copy)},
        )
    )


def shlex_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def add_batches(bench: Bench, size: int, rows: Sequence[int], runs: int) -> None:
    """fbcli give --from: one tutor's backlog of sessions, given in one file."""
    location, manifest = prepare_store(bench, "json", size, backfill=max(rows))
    store = Path(location)
    bench.files.append(
        (f"{size:,} sessions + {max(rows):,} backlog", store, manifest, None)
    )
    folder = bench.work / f"batch{size}"
    folder.mkdir(exist_ok=True)
    copy = folder / "store.json"
    for count in rows:
        batch = folder / f"rows{count}.csv"
        write_rows(batch, manifest.backfill[:count])

        def batch_argv(i: int, batch: Path = batch) -> list[str]:
            shutil.copyfile(store, copy)
            return [
                *fbcli_argv(),
                "--db",
                str(copy),
                "--as",
                generate.BACKFILL_TUTOR,
                "give",
                "--from",
                str(batch),
                "--no-input",
            ]

        bench.batches.append((count, batch_argv))
        bench.cases.append(
            Case(
                f"from-{count}-into-{size}",
                f"fbcli give --from ({count:,} rows)",
                batch_argv,
                runs,
                size,
            )
        )


def write_rows(path: Path, backlog: Sequence[tuple[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "session",
                "completed",
                "platform",
                "eval",
                "goal",
                "focus",
                "language_seen",
                "follow_up",
            ]
        )
        for session, goal in backlog:
            writer.writerow(
                [
                    session,
                    "true",
                    "zoom",
                    "fluency==;accuracy==",
                    goal,
                    "Phrasal verbs",
                    "get on, get over",
                    "More phrasal verbs",
                ]
            )


def note_writes(bench: Bench) -> None:
    """Say how many times each batch replaced the store file."""
    for rows, prepare in bench.batches:
        argv = prepare(0)[len(fbcli_argv()) :]
        writes = count_writes(bench, argv)
        said = "failed" if writes < 0 else f"{writes} store write{'s' * (writes != 1)}"
        bench.writes.append(
            f"- give --from with {rows:,} rows: {said} (counted in a separate, untimed run)."
        )


def count_writes(bench: Bench, argv: list[str]) -> int:
    """How many times one command line replaces the store file (untimed, in a child)."""
    program = (
        "import sys\n"
        "import fbcli.store.json_store as js\n"
        "writes = []\n"
        "real = js.write_atomically\n"
        "def counted(*a, **k):\n"
        "    writes.append(1)\n"
        "    return real(*a, **k)\n"
        "js.write_atomically = counted\n"
        "from fbcli.cli import run\n"
        "code = run(sys.argv[1:])\n"
        "sys.stdout = sys.__stdout__\n"
        "print('WRITES', code, len(writes))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, *argv],
        capture_output=True,
        text=True,
        env=bench.env,
        cwd=bench.work,
    )
    for line in done.stdout.splitlines():
        if line.startswith("WRITES"):
            _, code, writes = line.split()
            return int(writes) if code == "0" else -1
    return -1


# Running.


def warm_up(bench: Bench) -> None:
    """Run every case once, untimed, to check it works and to warm the file cache."""
    for case in bench.cases:
        try:
            argv = case.prepare(0)
            _, output = run_process(
                argv, {**bench.env, **case.env}, bench.work, keep_output=True
            )
            if case.check is not None:
                case.check(output)
        except CaseFailed as failure:
            case.unavailable = str(failure)
        except orjson.JSONDecodeError:
            case.unavailable = "output is not JSON"
        if case.unavailable:
            print(
                f"  {case.title} [{case.size}]: not available ({case.unavailable})",
                file=sys.stderr,
            )


def measure(bench: Bench) -> None:
    rounds = max(case.runs for case in bench.cases)
    for round_number in range(rounds):
        bench.loads.append(load_average()[0])
        for case in bench.cases:
            if case.unavailable or round_number >= case.runs:
                continue
            argv = case.prepare(round_number + 1)
            try:
                sample, _ = run_process(argv, {**bench.env, **case.env}, bench.work)
            except CaseFailed as failure:
                case.unavailable = f"failed in run {round_number + 1}: {failure}"
                continue
            case.samples.append(Sample(sample.seconds / case.per, sample.peak_kb))
        print(f"  round {round_number + 1}/{rounds} done", file=sys.stderr)


def load_average() -> tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


# Reporting.


def machine() -> list[str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "unknown"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / MB:.1f} GiB"
    import sqlite3

    versions = ", ".join(f"{name} {package_version(name)}" for name in PACKAGES)
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {memory}",
        f"- System: {platform.platform()}",
        f"- Python {platform.python_version()} ({sys.executable})",
        f"- fbcli {package_version('fbcli')}; {versions}",
        f"- SQLite {sqlite3.sqlite_version} (fbcli's SQLite store and the reference script)",
    ]


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def ms(seconds: float) -> str:
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def figure(case: Case | None, floor: float) -> tuple[str, str, str, str]:
    """Median, range, ratio to the floor and peak memory, or why there are none."""
    if case is None:
        return ("not run", "", "", "")
    if case.unavailable or not case.samples:
        return ("not available", case.unavailable, "", "")
    low = min(s.seconds for s in case.samples)
    high = max(s.seconds for s in case.samples)
    spread = f"{ms(low)} - {ms(high)}, {len(case.samples)} runs"
    return (
        ms(case.median),
        spread,
        f"{case.median / floor:.2f}x",
        f"{case.peak_mb:.0f} MB",
    )


def report(
    bench: Bench, started: datetime, command: str, load_start: tuple[float, ...]
) -> str:
    floor_case = bench.case("floor")
    floor = floor_case.median if floor_case and floor_case.samples else float("nan")
    load_end = load_average()
    lines = [
        "# fbcli benchmarks",
        "",
        f"Produced by `{command}` on {started:%Y-%m-%d %H:%M} UTC. Every figure is the "
        "median wall time of whole processes, from start to exit, with the cases run "
        "in turn within each round; x floor is the ratio to "
        f'`python -c "{FLOOR}"` measured in the same rounds. Peak memory is the '
        "largest resident set of one process over its runs.",
        "",
        "## Machine",
        "",
        *machine(),
        f"- Load average (1, 5, 15 min): {fmt_load(load_start)} at the start, "
        f"{fmt_load(load_end)} at the end; 1-minute load between "
        f"{min(bench.loads, default=0):.2f} and {max(bench.loads, default=0):.2f} "
        "at the start of each round. Other work was running on the machine, so "
        "read single figures with care; the ratios, measured in the same rounds, "
        "are steadier.",
        "",
        "## Start-up",
        "",
        "| case | median | range | x floor | peak memory |",
        "| --- | ---: | --- | ---: | ---: |",
    ]
    for key in (
        "pass",
        "floor",
        "version",
        "demo-pending",
        *(f"typer-{r}" for r in TYPER_RELEASES),
    ):
        case = bench.case(key)
        if case is not None:
            lines.append(row(case.title, figure(case, floor)))
    lines += typer_note(bench)
    sizes = sorted(
        {c.size for c in bench.cases if c.key.startswith("pending-") and c.size}
    )
    lines += ["", "## By store size", ""]
    lines += [
        "| case | sessions | median | range | x floor | peak memory | sqlite3 reference | fbcli ÷ reference |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        for name in ("pending", "show", "give", "stats"):
            case = bench.case(f"{name}-{size}")
            if case is None:
                continue
            reference = bench.case(f"ref-{name}-{size}")
            ref_text = versus = ""
            if reference is not None and reference.samples:
                ref_text = ms(reference.median)
                if case.samples:
                    versus = f"{case.median / reference.median:.1f}x"
            median, spread, ratio, peak = figure(case, floor)
            lines.append(
                f"| {case.title} | {size:,} | {median} | {spread} | {ratio} | {peak} | {ref_text} | {versus} |"
            )
    lines += backends_section(bench, floor)
    lines += ["", "## Batches", ""]
    lines += [
        "| case | store | median | range | per feedback | peak memory |",
        "| --- | --- | ---: | --- | ---: | ---: |",
    ]
    for case in bench.cases:
        if case.key.startswith(("from-", "loop-")):
            median, spread, _, peak = figure(case, floor)
            if case.key.startswith("loop-"):
                store = f"{case.size:,} sessions"
                per = median
                median = ms(case.median * case.per) if case.samples else median
                spread = (
                    f"{len(case.samples)} runs of {case.per} processes"
                    if case.samples
                    else spread
                )
                per = (
                    f"{per} ({case.median / floor:.2f}x floor)" if case.samples else ""
                )
            else:
                store = f"{case.size:,} sessions + backlog"
                rows = int(case.key.split("-")[1])
                per = ms(case.median / rows) if case.samples else ""
            lines.append(
                f"| {case.title} | {store} | {median} | {spread} | {per} | {peak} |"
            )
    lines += bench_writes_note(bench)
    lines += ["", "## Store files", ""]
    lines += [
        "| store | sessions | feedback | plan changes | students | tutors | JSON file | sqlite3 file |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for title, path, manifest, database in bench.files:
        db_size = (
            f"{database.stat().st_size / MB:.1f} MB"
            if database and database.exists()
            else ""
        )
        lines.append(
            f"| {title} | {manifest.sessions:,} | {manifest.feedback:,} | {manifest.plan_changes:,} | "
            f"{manifest.students:,} | {manifest.tutors:,} | {path.stat().st_size / MB:.1f} MB | {db_size} |"
        )
    lines += generation_section(bench)
    lines += [
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "| --- | --- | --- |",
    ]
    lines += targets(bench, floor)
    if bench.notes:
        lines += ["", "## Notes", "", *(f"- {note}" for note in bench.notes)]
    lines += ["", "## How the data is made", "", *about_data()]
    return "\n".join(lines) + "\n"


COMMANDS = ("pending", "show", "give", "stats")


def backends_section(bench: Bench, floor: float) -> list[str]:
    """One table comparing the backends at the sizes the databases ran at."""
    database_sizes = sorted(
        {c.size for c in bench.cases if c.backend != "json" and c.size}
    )
    columns = [
        (backend, size)
        for size in database_sizes
        for backend in generate.BACKENDS
        if bench.case(case_key(backend, "pending", size)) is not None
    ]
    if not columns:
        return []
    head = [f"{BACKEND_NAMES[b]} {short_size(n)}" for b, n in columns]
    lines = [
        "",
        "## Backends",
        "",
        "The same store in a JSON file, a SQLite file and a PostgreSQL schema "
        "(median, and x floor).",
        "",
        f"| command | {' | '.join(head)} |",
        f"| --- |{' ---: |' * len(columns)}",
    ]
    for name in COMMANDS:
        cells = []
        title = ""
        for backend, size in columns:
            case = bench.case(case_key(backend, name, size))
            title = title or (case.title if case else "")
            cells.append(cell(case, floor))
        lines.append(f"| {title} | {' | '.join(cells)} |")
    sizes = [
        megabytes(bench.store_bytes[column]) if column in bench.store_bytes else ""
        for column in columns
    ]
    lines.append(f"| store size | {' | '.join(sizes)} |")
    lines += [
        "",
        "Store size: the JSON file; the SQLite file; on PostgreSQL, "
        "`pg_total_relation_size` (table, indexes and TOAST) summed over the "
        "schema's tables.",
        "",
        "| case | backend | sessions | median | range | x floor | peak memory |",
        "| --- | --- | ---: | ---: | --- | ---: | ---: |",
    ]
    for case in bench.cases:
        if case.backend == "json" or case.size is None:
            continue
        median, spread, ratio, peak = figure(case, floor)
        lines.append(
            f"| {case.title} | {BACKEND_NAMES[case.backend]} | {case.size:,} | "
            f"{median} | {spread} | {ratio} | {peak} |"
        )
    lines += ["", *database_about(bench)]
    return lines


def megabytes(size: int) -> str:
    return f"{size / MB:,.1f} MB" if size < 100 * MB else f"{size / MB:,.0f} MB"


def warm_file(path: Path) -> None:
    """Read a file once, untimed, so that its pages are in the system's cache."""
    with path.open("rb") as handle:
        while handle.read(MB * 8):
            pass


def case_key(backend: str, name: str, size: int) -> str:
    return f"{name}-{size}" if backend == "json" else f"{backend}-{name}-{size}"


def short_size(sessions: int) -> str:
    if sessions >= 1_000_000 and sessions % 1_000_000 == 0:
        return f"{sessions // 1_000_000}M"
    if sessions >= 1_000 and sessions % 1_000 == 0:
        return f"{sessions // 1_000}k"
    return f"{sessions:,}"


def cell(case: Case | None, floor: float) -> str:
    if case is None:
        return "not run"
    if case.unavailable or not case.samples:
        return "not available"
    return f"{ms(case.median)} ({case.median / floor:.2f}x)"


def database_about(bench: Bench) -> list[str]:
    lines = [
        "On SQLite, the reads run on a copy of the generated file and give on "
        "another copy, made once and untimed, on a different pending session each "
        "run; both copies are read once first so that they are in the system's "
        "cache, and are used as fbcli leaves them (with the statistics it "
        "gathers after a bulk load). On PostgreSQL, the reads run on the generated "
        "schema and give on a "
        "copy of it made for this run, again on a different pending session each run."
    ]
    if any(c.backend == "postgresql" for c in bench.cases):
        lines[0] += (
            f" {pg_server_facts(bench.server)} fbcli runs VACUUM ANALYZE after "
            "a bulk load; the bench also runs ANALYZE on each schema after "
            "loading it, as autovacuum would where it is on."
        )
    return [*lines, *(f"- {note}" for note in bench.database_notes)]


def pg_server_facts(server: str) -> str:
    import psycopg

    with psycopg.connect(server) as connection:
        version = connection.execute("SHOW server_version").fetchone()
        buffers = connection.execute("SHOW shared_buffers").fetchone()
        autovacuum = connection.execute("SHOW autovacuum").fetchone()
    shown = re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:***@", server)
    return (
        f"The server: PostgreSQL {version[0] if version else '?'} at {shown}, "
        f"shared_buffers {buffers[0] if buffers else '?'}, autovacuum "
        f"{autovacuum[0] if autovacuum else '?'}."
    )


def generation_section(bench: Bench) -> list[str]:
    if not bench.generated:
        return []
    lines = [
        "",
        "## Store generation",
        "",
        "Each store is drawn in Python (the same generator, seed and counts for "
        "every backend) and written through fbcli's store API, each store in one "
        f"transaction (a database store of more than {generate.BLOCK:,} sessions "
        f"in one per {generate.BLOCK:,} sessions and their feedback). Stores are "
        "cached: one made in an earlier run says when, with the times it took then.",
        "",
        "| store | backend | draw records | write | whole process | peak memory | made |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for item in bench.generated:
        title = f"{item.sessions:,} sessions" + (
            f" + {item.backfill:,} backlog" if item.backfill else ""
        )
        made = item.made
        draw = f"{made.build_seconds:,.1f} s" if made else ""
        write = f"{made.write_seconds:,.1f} s" if made else ""
        whole = ""
        peak = f"{made.peak_mb:,.0f} MB" if made and made.peak_mb else ""
        when = "in this run"
        if item.sample is not None:
            whole = f"{item.sample.seconds:,.1f} s"
            peak = f"{item.sample.peak_kb / 1024:,.0f} MB"
        else:
            when = f"cached, made {made.made_at}" if made else "cached"
        lines.append(
            f"| {title} | {BACKEND_NAMES[item.backend]} | {draw} | {write} | "
            f"{whole} | {peak} | {when} |"
        )
    return lines


def fmt_load(load: Sequence[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in load)


def row(title: str, values: tuple[str, str, str, str]) -> str:
    return f"| {title} | {' | '.join(values)} |"


def typer_note(bench: Bench) -> list[str]:
    old, new = (bench.case(f"typer-{r}") for r in TYPER_RELEASES)
    if not (old and new and old.samples and new.samples):
        return []
    delta = (new.median - old.median) * 1000
    return [
        "",
        f"typer {TYPER_RELEASES[1]} costs {delta:+.0f} ms per fbcli process against "
        f"{TYPER_RELEASES[0]} (the same command, each typer release installed in "
        "its own folder on PYTHONPATH), which is why fbcli keeps typer below 0.29.",
    ]


def bench_writes_note(bench: Bench) -> list[str]:
    return ["", *bench.writes] if bench.writes else []


def targets(bench: Bench, floor: float) -> list[str]:
    lines = []

    def check(title: str, key: str, limit: float, *, ratio: bool) -> None:
        case = bench.case(key)
        if case is None or not case.samples:
            lines.append(f"| {title} | not measured | - |")
            return
        value = case.median / floor if ratio else case.median
        shown = f"{value:.2f}x floor ({ms(case.median)})" if ratio else ms(case.median)
        lines.append(f"| {title} | {shown} | {'yes' if value <= limit else 'no'} |")

    check(
        "pending --json on the demo store ≤ 1.3x floor", "demo-pending", 1.3, ratio=True
    )
    check(
        "10,000 sessions: give --no-input ≤ 2.5x floor", "give-10000", 2.5, ratio=True
    )
    check("10,000 sessions: pending ≤ 2.5x floor", "pending-10000", 2.5, ratio=True)
    check("10,000 sessions: stats --all ≤ 0.5 s", "stats-10000", 0.5, ratio=False)
    check("100,000 sessions: give --no-input ≤ 1.5 s", "give-100000", 1.5, ratio=False)
    check("100,000 sessions: stats --all ≤ 2 s", "stats-100000", 2.0, ratio=False)
    big = [
        c
        for c in bench.cases
        if c.size == 100_000 and c.samples and not c.key.startswith("ref-")
    ]
    if big:
        peak = max(c.peak_mb for c in big)
        lines.append(
            f"| 100,000 sessions: peak memory < 600 MB | {peak:.0f} MB | {'yes' if peak < 600 else 'no'} |"
        )
    else:
        lines.append("| 100,000 sessions: peak memory < 600 MB | not measured | - |")
    check(
        "give --from 10,000 rows into 10,000 sessions ≤ 3 s",
        f"from-10000-into-{BATCH_STORE}",
        3.0,
        ratio=False,
    )
    check(
        "1,000,000 sessions on SQLite: give --no-input ≤ 1.5x floor",
        "sqlite-give-1000000",
        1.5,
        ratio=True,
    )
    check(
        "1,000,000 sessions on SQLite: stats --all ≤ 2 s",
        "sqlite-stats-1000000",
        2.0,
        ratio=False,
    )
    check(
        "1,000,000 sessions on PostgreSQL: stats --all ≤ 2 s",
        "postgresql-stats-1000000",
        2.0,
        ratio=False,
    )
    return lines


def about_data() -> list[str]:
    return [
        f"`bench/generate.py` (generator version {generate.GENERATOR_VERSION}, seed "
        f"{generate.SEED}, NOW {format_time(generate.NOW)}) writes each store "
        "through fbcli's store API: 200 tutors and an admin, 5,000 students with "
        "study plans (a fifth changed part-way), sessions spread over the weeks before "
        "NOW and the two days after it, and about 0.9 feedback records per session "
        "(8% not completed, 3% of completed ones amended, half of the last two days' "
        "sessions still pending). `give` runs on a fresh copy of the store each time, "
        "on a different pending session; `give --from` gives one tutor's backlog of "
        "sessions (added to the 10,000-session store; fbcli takes feedback only from "
        "a session's own tutor) in one CSV file. The sqlite3 reference "
        "(`bench/sqlite_reference.py`) does the same pending, give and stats work on "
        "the same data, loaded once into an indexed SQLite file, untimed.",
    ]


def compile_fbcli() -> None:
    """Compile fbcli's modules first, as an installed package has them.

    The baselines' libraries come compiled from their install; with
    PYTHONDONTWRITEBYTECODE set, fbcli's own modules would otherwise be
    compiled again in every timed process.
    """
    import compileall

    import fbcli

    compileall.compile_dir(Path(fbcli.__file__).parent, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="N=1,000 only (JSON and SQLite unless --backends), 3 runs a case",
    )
    parser.add_argument(
        "--runs", type=int, help="runs per case (default 10; 3 with --quick)"
    )
    parser.add_argument(
        "--sizes",
        help="comma-separated store sizes for every backend chosen (default: "
        "JSON 1000,10000,100000; SQLite and PostgreSQL 100000,1000000); "
        f"JSON is skipped above {JSON_LARGEST:,}",
    )
    parser.add_argument(
        "--backends",
        help="comma-separated, of json,sqlite,postgresql (default all; "
        "json,sqlite with --quick)",
    )
    parser.add_argument(
        "--server",
        default=generate.PG_SERVER,
        help="the PostgreSQL server (default $FBCLI_BENCH_PG_URL or %(default)s)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="where to write the results (default bench/results.md)",
    )
    parser.add_argument(
        "--stores", type=Path, default=generate.STORES, help="cache of generated stores"
    )
    options = parser.parse_args(argv)
    quick = options.quick
    runs = options.runs or (3 if quick else 10)
    backends = (
        [b.strip() for b in options.backends.split(",") if b.strip()]
        if options.backends
        else list(QUICK_BACKENDS if quick else generate.BACKENDS)
    )
    unknown = [b for b in backends if b not in generate.BACKENDS]
    if unknown:
        parser.error(
            f"unknown backend {', '.join(unknown)}: use json,sqlite,postgresql"
        )
    chosen = [int(s) for s in options.sizes.split(",")] if options.sizes else None
    output = options.output or (
        options.stores / "results-quick.md" if quick else RESULTS
    )
    compile_fbcli()
    global LAUNCHER
    LAUNCHER = Launcher()

    started = datetime.now(UTC)
    load_start = load_average()
    options.stores.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="work-", dir=options.stores))
    bench = Bench(work, options.stores, quick, runs, base_env(work))
    bench.server = options.server
    try:
        plan = sizes_of(bench, backends, chosen)
        print("preparing stores and cases", file=sys.stderr)
        add_baselines(bench)
        add_demo(bench)
        if not quick:
            add_typer_releases(bench)
        for size in sorted({size for sizes in plan.values() for size in sizes}):
            for backend in generate.BACKENDS:
                if size not in plan.get(backend, []):
                    continue
                if backend == "json":
                    add_size(bench, size)
                else:
                    add_database_size(bench, backend, size)
        if "json" in plan:
            if quick:
                add_loop(bench, min(plan["json"], default=1_000), 10, runs)
            else:
                add_loop(bench, LOOP_STORE, LOOP_GIVES, max(3, runs // 2))
                add_batches(bench, BATCH_STORE, BATCH_ROWS, runs)
        warm_up(bench)
        note_writes(bench)
        measure(bench)
        command = (
            "python -m bench.run"
            + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
        )
        output.write_text(
            report(bench, started, command.strip(), load_start), encoding="utf-8"
        )
    finally:
        LAUNCHER.close()
        shutil.rmtree(work, ignore_errors=True)
        for schema in bench.scratch:
            generate.drop_schema(bench.server, schema)
    print(f"wrote {output}", file=sys.stderr)
    return 0


def sizes_of(
    bench: Bench, backends: Sequence[str], chosen: Sequence[int] | None
) -> dict[str, list[int]]:
    """The store sizes each backend runs at; a note for what is left out."""
    plan: dict[str, list[int]] = {}
    for backend in backends:
        if chosen is None:
            sizes = [1_000] if bench.quick else list(DEFAULT_SIZES[backend])
        else:
            sizes = list(chosen)
        if backend == "json" and any(size > JSON_LARGEST for size in sizes):
            bench.notes.append(
                f"the JSON store is not benchmarked above {JSON_LARGEST:,} sessions"
            )
            sizes = [size for size in sizes if size <= JSON_LARGEST]
        plan[backend] = sizes
    if "postgresql" in plan:
        reason = server_problem(bench.server)
        if reason:
            bench.notes.append(f"PostgreSQL cases not run: {reason}")
            print(f"  PostgreSQL cases not run: {reason}", file=sys.stderr)
            del plan["postgresql"]
    return plan


def server_problem(server: str) -> str:
    """Why the PostgreSQL server cannot be used, or nothing."""
    try:
        import psycopg

        psycopg.connect(server, connect_timeout=5).close()
    except Exception as error:  # any failure means no server
        first = str(error).strip().splitlines()
        return f"cannot reach {server}: {first[0] if first else type(error).__name__}"
    return ""


if __name__ == "__main__":
    sys.exit(main())
