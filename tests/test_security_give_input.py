"""fbcli give and mark-unattended fed any flag values: never a traceback, a
documented exit code, no terminal code echoed back, and the store unchanged
unless the command succeeded."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from fbcli.store import open_store
from tests.conftest import Runner
from tests.test_reliability_concurrency import load_school, school

EXIT_CODES = {0, 1, 2, 3, 4, 5}

# Text without lone surrogates, which no command line can carry.
any_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=30)
odd_text = st.one_of(
    any_text,
    st.sampled_from(
        [
            "",
            " ",
            "\x1b[31mred",
            "\x1b]8;;http://x\x07y",
            "[red]x[/red]",
            "x" * 21,
            "é" * 20,
            "x" * 5000,
            "-",
            "--completed",
            "nan",
            "1e309",
            "-0",
            "٣",
            "²",
            "१",
        ]
    ),
)
# Digits str.isdigit() takes but int() refuses or reads: superscript, Arabic-Indic,
# Devanagari, fullwidth, mathematical bold.
UNICODE_DIGITS = ["²", "٣", "१", "\uff15", "\U0001d7d7", "1²", "¹⁰"]
numbers = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.floats().map(str),
    st.sampled_from(["+", "-", "=", "++", "", "0", "11", "NaN", "inf", "=+"]),
    st.sampled_from(UNICODE_DIGITS),
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=3),
    st.sampled_from(["1" * 5000, "0" * 4999 + "5"]),
)
params = st.sampled_from(
    ["fluency", "accuracy", "pronunciation", "comprehension", "x", ""]
)
flag_values = {
    "--completed": st.none(),
    "--not-completed": st.none(),
    "--reason": st.one_of(
        st.sampled_from(["student-absent", "student-tech", "server-down", "emergency"]),
        odd_text,
    ),
    "--student-missed": st.none(),
    "--student-attended": st.none(),
    "--tech-issues": st.none(),
    "--no-tech-issues": st.none(),
    "--note": odd_text,
    "--platform": st.one_of(st.just("zoom"), odd_text),
    "--eval": st.tuples(params, numbers).map("=".join),
    "--great-work": st.none(),
    "--no-great-work": st.none(),
    "--goal": st.one_of(st.sampled_from(["narrative-tenses", "small-talk"]), odd_text),
    "--add-to-plan": st.none(),
    "--doing-great": st.one_of(st.sampled_from(["grammar", "fluency"]), odd_text),
    "--focus": odd_text,
    "--language-seen": odd_text,
    "--follow-up": odd_text,
    "--comments": odd_text,
    "--yes": st.none(),
    "--strict": st.none(),
    "--dry-run": st.none(),
    "--json": st.none(),
    "--from": odd_text,
    "--unknown-flag": odd_text,
    "--": odd_text,
}


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    session = draw(
        st.one_of(st.sampled_from(["t0-0", "t0-1", "t1-0", "S-404"]), odd_text)
    )
    args = ["give", session, "--no-input"]
    for flag in draw(st.lists(st.sampled_from(sorted(flag_values)), max_size=12)):
        value = draw(flag_values[flag])
        args += [flag] if value is None else [flag, value]
    return args


VALID = {
    "--platform": "zoom",
    "--eval": "fluency=+",
    "--goal": "narrative-tenses",
    "--focus": "Narrative tenses",
    "--language-seen": "had been -ing",
    "--follow-up": "Past perfect drills",
    "--comments": "Good session",
}


@st.composite
def almost_valid_command_lines(draw: st.DrawFn) -> list[str]:
    """Feedback that would be saved, with a few answers made odd or left out."""
    answers = dict(VALID)
    for flag in draw(st.lists(st.sampled_from(sorted(VALID)), max_size=3)):
        if draw(st.booleans()):
            answers.pop(flag, None)
        else:
            value = draw(flag_values[flag])
            assert value is not None
            answers[flag] = value
    args = ["give", draw(st.sampled_from(["t0-0", "t0-1", "t0-2"])), "--no-input"]
    args += ["--completed", "--add-to-plan"]
    for flag, value in answers.items():
        args += [flag, value]
    for flag in draw(st.lists(st.sampled_from(sorted(flag_values)), max_size=2)):
        value = draw(flag_values[flag])
        args += [flag] if value is None else [flag, value]
    return args


@pytest.fixture
def giving_store(cli: Runner, store_path: Path, tmp_path: Path) -> Path:
    load_school(cli, tmp_path, school(tutors=2, per_tutor=3))
    return store_path


def run_and_check(cli: Runner, store: Path, args: list[str]) -> int:
    before = store.read_bytes()

    result = cli("--as", "t0", *args)

    assert result.code in EXIT_CODES, result
    event(f"exit {result.code}")
    assert "Traceback" not in result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    if result.code != 0:
        assert store.read_bytes() == before
        assert result.stderr.strip(), "a refusal must say why"
    else:
        with open_store(str(store)):
            pass
    return result.code


SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(args=command_lines())
def test_give_with_any_flag_values(
    cli: Runner, giving_store: Path, args: list[str]
) -> None:
    run_and_check(cli, giving_store, args)


def valid_but(flag: str, value: str) -> list[str]:
    answers = {**VALID, flag: value}
    args = ["give", "t0-0", "--no-input", "--completed", "--add-to-plan"]
    return args + [part for item in answers.items() for part in item]


@SETTINGS
@given(args=almost_valid_command_lines())
@example(args=valid_but("--eval", "fluency=²"))
@example(args=valid_but("--eval", "fluency=٣"))
@example(args=valid_but("--eval", "fluency=" + "1" * 5000))
@example(args=valid_but("--focus", "!" * 30))
def test_give_with_a_few_odd_answers(
    cli: Runner, giving_store: Path, args: list[str]
) -> None:
    run_and_check(cli, giving_store, args)


@SETTINGS
@given(
    session=st.one_of(st.sampled_from(["t0-0", "t0-2", "t1-1"]), odd_text),
    note=st.one_of(st.none(), odd_text),
    flags=st.lists(
        st.sampled_from(["--yes", "--no-input", "--dry-run", "--json", "-y"])
    ),
)
def test_mark_unattended_with_any_flag_values(
    cli: Runner, giving_store: Path, session: str, note: str | None, flags: list[str]
) -> None:
    args = [
        "mark-unattended",
        session,
        *flags,
        *(["--note", note] if note is not None else []),
    ]

    run_and_check(cli, giving_store, args)
