"""fbcli mark-unattended: the student never came, and the tutor stayed the whole session."""

from typing import Annotated

import typer

from fbcli.context import AppContext
from fbcli.errors import MissingAnswers


def mark_unattended(
    ctx: typer.Context,
    session_id: Annotated[
        str, typer.Argument(metavar="SESSION", help="Session id, e.g. S-1042.")
    ],
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help="Confirm you stayed the whole session."),
    ] = False,
    note: Annotated[
        str | None, typer.Option("--note", help="A note for the school.")
    ] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and show; save nothing.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the saved feedback as JSON.")
    ] = False,
) -> None:
    """Mark a session unattended: step 1 as not completed, reason student-absent.

    You confirm that you stayed for the whole session and the student never
    came. The session is then locked: its feedback cannot be changed.
    """
    from fbcli.giving import Options
    from fbcli.prompts import can_prompt
    from fbcli.rules.feedback import Answers

    app: AppContext = ctx.obj
    options = Options(yes=yes, dry_run=dry_run, as_json=as_json, no_input=no_input)
    answers = Answers(
        completed=False,
        reason="student-absent",
        student_missed=True,
        tech_issues=False,
        note=note or "",
    )
    if not yes and not can_prompt(no_input):
        raise MissingAnswers(
            [("confirmation that you stayed the whole session", "--yes")]
        )
    if yes:
        from fbcli.commands.give import give_by_flags

        give_by_flags(app, session_id, answers, options)
        return

    from fbcli.flow import confirm_unattended

    confirm_unattended(app, session_id, answers, options)


def register(app: typer.Typer) -> None:
    app.command("mark-unattended")(mark_unattended)
