"""fbcli give --from FILE: feedback for many sessions, checked in full, saved at once."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from fbcli.context import AppContext
from fbcli.errors import BadUsage, FbcliError, RuleBroken
from fbcli.giving import (
    Ledger,
    Options,
    announce,
    check_not_saved_since,
    check_strict,
    report,
    save,
)
from fbcli.output import plain, say
from fbcli.rules.feedback import Decision, decide, with_earlier_answers
from fbcli.rules.feedback_rows import Problem, Row, read_rows, shared_exit_code

# Below this many rows a file is done before a progress bar would be read.
PROGRESS_FROM_ROWS = 200
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


class BadRows(FbcliError):
    """Rows that cannot be saved; the exit code is the one they all share, else 1."""

    def __init__(self, path: Path, problems: Sequence[Problem]) -> None:
        count = len(problems)
        super().__init__(
            f"{count} bad {'row' if count == 1 else 'rows'} in {path}; "
            "nothing was saved"
        )
        self.exit_code = shared_exit_code(problems)


def read_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadUsage(f"no file {path}") from None
    except UnicodeDecodeError:
        raise RuleBroken(f"{path} is not UTF-8 text") from None
    except OSError as error:
        raise BadUsage(f"cannot read {path}: {error.strerror}") from None


def give_from_file(app: AppContext, path: Path, options: Options) -> None:
    json_lines = path.suffix.lower() in JSON_LINES_SUFFIXES
    found = read_rows(read_file(path), json_lines=json_lines)
    problems = list(found.problems)
    now = app.now()

    with app.store(write=not options.dry_run) as store:
        tutor = app.acting_tutor(store)
        ledger = Ledger(store, tutor, now, decisions=len(found.rows))
        decided: list[tuple[Row, Decision]] = []
        seen: dict[str, int] = {}
        with progress(len(found.rows)) as advance:
            for row in found.rows:
                advance()
                if row.session in seen:
                    problems.append(
                        Problem(
                            row.line,
                            f"{row.session} is also on line {seen[row.session]}",
                        )
                    )
                    continue
                seen[row.session] = row.line
                try:
                    context = ledger.context(row.session)
                    decision = decide(
                        context, with_earlier_answers(context, row.answers)
                    )
                    check_not_saved_since(context, app.started)
                except FbcliError as error:
                    problems.append(Problem.of(row.line, error))
                    continue
                ledger.record(context, decision)
                decided.append((row, decision))

        if problems:
            for problem in sorted(problems):
                say(f"{path}:{problem.line}: {plain(problem.message)}")
            raise BadRows(path, problems)
        if not found.rows:
            raise RuleBroken(f"{path} has no rows; nothing was saved")
        for row, decision in decided:
            # Hints help a person answering; a file's answers are already made,
            # so they stay in the --json records only.
            report(decision, where=f"{path}:{row.line}: ", hints=False)
        check_strict([w for _, d in decided for w in d.warnings], options)
        decisions = [d for _, d in decided]
        if not options.dry_run:
            decisions = save(store, decisions)

    announce_all(decisions, options)


def announce_all(decisions: Sequence[Decision], options: Options) -> None:
    if options.as_json:
        from fbcli.giving import result_record
        from fbcli.output import print_json

        print_json([result_record(d, options) for d in decisions])
        return
    if len(decisions) <= 10:
        announce(decisions, options)
        return
    verb = "would save" if options.dry_run else "saved"
    say(f"{verb} feedback on {len(decisions)} sessions")


@contextmanager
def progress(total: int) -> Iterator[Callable[[], None]]:
    """A bar on stderr for a long file read by a person; nothing otherwise."""
    if total < PROGRESS_FROM_ROWS or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.progress import Progress

    from fbcli.output import stderr

    with Progress(console=stderr(), transient=True) as bar:
        task = bar.add_task("checking sessions", total=total)
        yield lambda: bar.advance(task)
