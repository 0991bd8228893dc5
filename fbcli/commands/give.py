"""fbcli give: the six steps of feedback on one session, by prompts or by flags."""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fbcli.context import AppContext
from fbcli.errors import BadUsage

if TYPE_CHECKING:
    from fbcli.giving import Options
    from fbcli.rules.feedback import Answers

STEP1 = "Step 1: technical"
STEP2 = "Step 2: evaluation"
STEP3 = "Step 3: great work"
STEP4 = "Step 4: topic"
STEP5 = "Step 5: doing great"
STEP6 = "Step 6: content"
CONTROL = "Control"


class Reason(StrEnum):
    student_absent = "student-absent"
    student_tech = "student-tech"
    server_down = "server-down"
    emergency = "emergency"


def give(
    ctx: typer.Context,
    session_id: Annotated[
        str | None,
        typer.Argument(metavar="[SESSION]", help="Session id, e.g. S-1042."),
    ] = None,
    completed: Annotated[
        bool | None,
        typer.Option(
            "--completed/--not-completed",
            help="Was the session completed?",
            rich_help_panel=STEP1,
        ),
    ] = None,
    reason: Annotated[
        Reason | None,
        typer.Option(
            "--reason",
            help="Why it was not completed.",
            rich_help_panel=STEP1,
        ),
    ] = None,
    student_missed: Annotated[
        bool | None,
        typer.Option(
            "--student-missed/--student-attended",
            help="Did the student miss it? (not completed)",
            rich_help_panel=STEP1,
        ),
    ] = None,
    tech_issues: Annotated[
        bool | None,
        typer.Option(
            "--tech-issues/--no-tech-issues",
            help="Did you have tech issues?",
            rich_help_panel=STEP1,
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option("--note", help="A note on step 1.", rich_help_panel=STEP1),
    ] = None,
    platform: Annotated[
        str | None,
        typer.Option(
            "--platform",
            help="'zoom', or the name of the platform used.",
            rich_help_panel=STEP1,
        ),
    ] = None,
    evaluation: Annotated[
        list[str] | None,
        typer.Option(
            "--eval",
            metavar="PARAM=VALUE",
            help="Move a level: +, -, = or a level number (repeatable).",
            rich_help_panel=STEP2,
        ),
    ] = None,
    great_work: Annotated[
        bool | None,
        typer.Option(
            "--great-work/--no-great-work",
            help="Award the great-work badge (default: no).",
            rich_help_panel=STEP3,
        ),
    ] = None,
    goal: Annotated[
        str | None,
        typer.Option(
            "--goal", help="The session's topic: a goal id.", rich_help_panel=STEP4
        ),
    ] = None,
    add_to_plan: Annotated[
        bool,
        typer.Option(
            "--add-to-plan",
            help="Add the goal to the student's study plan.",
            rich_help_panel=STEP4,
        ),
    ] = False,
    doing_great: Annotated[
        str | None,
        typer.Option(
            "--doing-great",
            metavar="AREA",
            help="Award 'you're doing great in' AREA.",
            rich_help_panel=STEP5,
        ),
    ] = None,
    focus: Annotated[
        str | None,
        typer.Option(
            "--focus", help="Focus, at most 20 characters.", rich_help_panel=STEP6
        ),
    ] = None,
    language_seen: Annotated[
        str | None,
        typer.Option("--language-seen", help="Language seen.", rich_help_panel=STEP6),
    ] = None,
    follow_up: Annotated[
        str | None,
        typer.Option(
            "--follow-up", help="Follow-up or next focus.", rich_help_panel=STEP6
        ),
    ] = None,
    comments: Annotated[
        str | None,
        typer.Option("--comments", help="Other comments.", rich_help_panel=STEP6),
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from",
            metavar="FILE",
            help="Feedback for many sessions: CSV or JSON lines.",
            rich_help_panel=CONTROL,
        ),
    ] = None,
    no_input: Annotated[
        bool,
        typer.Option("--no-input", help="Never prompt.", rich_help_panel=CONTROL),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            "-y",
            help="Accept warnings without asking.",
            rich_help_panel=CONTROL,
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Treat warnings as errors.", rich_help_panel=CONTROL
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Check and show; save nothing.", rich_help_panel=CONTROL
        ),
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print the saved feedback as JSON.", rich_help_panel=CONTROL
        ),
    ] = False,
) -> None:
    """Give feedback on a session you taught, following the school's six steps.

    On a terminal each answer no flag gave is asked for, with the student's
    history on screen; otherwise every missing answer is an error naming its
    flag. Running it again on completed feedback amends it (earlier versions
    are kept); answers not given then keep their earlier values, and are not
    checked again against today's study plan or awards.

    --from FILE reads one session per row (CSV with a header, or JSON lines):
    a 'session' column and one column per long flag, e.g. language_seen;
    completed, great_work and add_to_plan take true/false, eval takes
    'fluency=+;accuracy=-'. Nothing is saved if any row is bad; the exit
    code is the one all bad rows share (3 if all name something unknown, 4
    if all are not allowed), else 1.
    """
    # Imported here: every fbcli command loads this module to list its options.
    from fbcli.giving import Options
    from fbcli.rules.evaluation import parse_move
    from fbcli.rules.feedback import Answers

    app: AppContext = ctx.obj
    options = Options(
        yes=yes, strict=strict, dry_run=dry_run, as_json=as_json, no_input=no_input
    )
    answers = Answers(
        completed=completed,
        reason=reason.value if reason else None,
        student_missed=student_missed,
        tech_issues=tech_issues,
        note=note,
        platform=platform,
        evaluation=dict(parse_move(item) for item in evaluation)
        if evaluation
        else None,
        great_work=great_work,
        goal=goal,
        add_to_plan=add_to_plan or None,
        doing_great=doing_great,
        focus=focus,
        language_seen=language_seen,
        follow_up=follow_up,
        comments=comments,
    )

    if from_file is not None:
        if session_id is not None or answers != Answers():
            raise BadUsage(
                "--from takes every answer from the file; give no SESSION or answer flags with it"
            )
        from fbcli.batch import give_from_file

        give_from_file(app, from_file, options)
        return
    if session_id is None:
        raise BadUsage(
            "which session? give SESSION (see 'fbcli pending') or --from FILE"
        )

    from fbcli.prompts import can_prompt

    if can_prompt(no_input):
        from fbcli.flow import give_interactively

        give_interactively(app, session_id, answers, options)
        return
    give_by_flags(app, session_id, answers, options)


def give_by_flags(
    app: AppContext, session_id: str, answers: "Answers", options: "Options"
) -> None:
    from fbcli.giving import (
        Ledger,
        announce,
        check_not_saved_since,
        check_strict,
        report,
        save,
    )
    from fbcli.output import say
    from fbcli.rules.feedback import decide, with_earlier_answers

    now = app.now()

    with app.store(write=not options.dry_run) as store:
        tutor = app.acting_tutor(store)
        context = Ledger(store, tutor, now).context(session_id)
        decision = decide(context, with_earlier_answers(context, answers))
        check_not_saved_since(context, app.started)
        if context.amending is not None and answers.completed is not False:
            say(
                f"amending the feedback on {session_id} (version "
                f"{context.amending.version}); answers not given keep their values"
            )
        report(decision)
        check_strict(decision.warnings, options)
        if not options.dry_run:
            (decision,) = save(store, [decision])

    announce([decision], options)


def register(app: typer.Typer) -> None:
    app.command()(give)
