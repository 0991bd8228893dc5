"""fbcli plan: a student's study plan, the goals their sessions count toward."""

from datetime import datetime
from typing import Annotated, Any

import typer

from fbcli import prompts, school
from fbcli.completion import complete_goal, complete_plan_goal, complete_student
from fbcli.context import AppContext
from fbcli.errors import MissingAnswers, NotFound
from fbcli.output import print_json, say, warn
from fbcli.rules.catalog import by_area, resolve_goals, suggest_ids
from fbcli.rules.model import PlanChange, Student, Tutor, format_time
from fbcli.rules.plans import (
    PlanEdit,
    PlanGoal,
    check_may_change_plan,
    edit_plan,
    plan_at,
    plan_goals,
    set_plan,
)
from fbcli.store import Store

plan_app = typer.Typer(
    help="Show and change a student's study plan.", no_args_is_help=True
)

StudentArgument = Annotated[
    str,
    typer.Argument(
        metavar="STUDENT",
        help="Student id, e.g. ST-101.",
        autocompletion=complete_student,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
AllowEmptyOption = Annotated[
    bool,
    typer.Option("--allow-empty", help="Allow removing the last goal of the plan."),
]


def find_student(store: Store, student_id: str) -> Student:
    student = store.student(student_id)
    if student is None:
        names = {s.id: s.name for s in store.students()}
        raise NotFound("student", student_id, suggest_ids(student_id, names))
    return student


def open_plan(
    app: AppContext, store: Store, student_id: str, now: datetime
) -> tuple[Tutor, Student, list[PlanChange]]:
    """Who changes which plan, once it is known they may (at ``now``)."""
    tutor = app.acting_tutor(store)
    student = find_student(store, student_id)
    together = store.sessions(tutor=tutor.id, student=student.id)
    check_may_change_plan(tutor, student.id, together, now)
    return tutor, student, store.plan_changes(student.id)


@plan_app.command("show")
def show_plan(
    ctx: typer.Context, student_id: StudentArgument, as_json: JsonOption = False
) -> None:
    """The active goals, when each was added and by whom, and its sessions so far.

    'Sessions' counts every session with the goal as topic; 'counted' (in
    JSON 'toward_progress') only the completed ones whose goal was in the
    plan when the session started or when its feedback was first given
    (amending feedback later changes nothing).
    """
    app: AppContext = ctx.obj

    with app.store() as store:
        student = find_student(store, student_id)
        sessions = store.sessions(student=student.id)
        goals = plan_goals(
            store.plan_changes(student.id),
            sessions,
            store.latest_feedback(student=student.id),
            store.first_given_times([session.id for session in sessions]),
        )

    records = [as_record(goal) for goal in goals]
    if as_json:
        print_json({"student": student.id, "name": student.name, "goals": records})
        return
    show_table(student, records)


def as_record(goal: PlanGoal) -> dict[str, Any]:
    known = school.goals().get(goal.goal)
    return {
        "id": goal.goal,
        "title": known.title if known else "",
        "area": known.area if known else "",
        "added_at": format_time(goal.added_at),
        "added_by": goal.added_by,
        "sessions": goal.sessions,
        "toward_progress": goal.counted,
    }


def show_table(student: Student, records: list[dict[str, Any]]) -> None:
    if not records:
        typer.echo(
            f"{student.id} has no study plan yet; set one with "
            f"'fbcli plan set {student.id} GOAL...'."
        )
        return
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from fbcli.output import plain, stdout
    from fbcli.render import local
    from fbcli.rules.model import parse_time

    table = Table(
        title=plain(f"Study plan of {student.name} ({student.id})"),
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("Goal")
    table.add_column("Area")
    table.add_column("Added", no_wrap=True)
    table.add_column("By")
    table.add_column("Sessions\n(counted)", justify="right")
    for r in records:
        # The id is what people type, so it is never wrapped; the title may be.
        goal = Group(
            Text(plain(r["id"]), no_wrap=True),
            Text(plain(r["title"]), style="dim"),
        )
        table.add_row(
            goal,
            plain(r["area"]),
            local(parse_time(r["added_at"])),
            plain(r["added_by"]),
            f"{r['sessions']} ({r['toward_progress']})",
        )
    stdout().print(table)
    stdout().print(
        Text(
            "Counted: toward progress (the goal was in the plan when the session "
            "started or when its feedback was first given).",
            style="dim",
        )
    )


@plan_app.command("set")
def set_goals(
    ctx: typer.Context,
    student_id: StudentArgument,
    goals: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="GOAL",
            help="The plan's goals (ids or titles); none to pick them from a list.",
            autocompletion=complete_goal,
            show_default=False,
        ),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt; GOAL is then required.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Make the plan exactly these goals: the others are removed, new ones added.

    Without GOAL, at a terminal, pick the goals from the catalog (the plan's
    goals are already picked; type to filter).
    """
    app: AppContext = ctx.obj
    now = app.now()
    chosen: list[str] = list(goals or [])
    shown: list[str] | None = None
    if not chosen:
        chosen, shown = choose_goals(app, student_id, now, no_input)

    with app.store(write=True) as store:
        tutor, student, history = open_plan(app, store, student_id, now)
        current = plan_at(history)
        wanted = resolve_goals(chosen, school.goals(), also=current)
        edit = set_plan(history, wanted, student=student.id, at=now, by=tutor.id)
        store.add_plan_changes(edit.changes)

    if shown is not None and shown != current:
        warn(f"{student.id}'s study plan changed while you chose; your choice won")
    report(edit, as_json)


def choose_goals(
    app: AppContext, student_id: str, now: datetime, no_input: bool
) -> tuple[list[str], list[str]]:
    """The goals picked at the terminal, and the plan they were picked from."""
    if not prompts.can_prompt(no_input):
        raise MissingAnswers([("the plan's goals", "GOAL arguments")])

    # The store is only read here: no lock is held while a person chooses.
    with app.store() as store:
        _, student, history = open_plan(app, store, student_id, now)
    current = plan_at(history)

    catalog = school.goals()
    groups = [
        (area, [(f"{g.title} ({g.id})", g.id, g.id in current) for g in goals])
        for area, goals in by_area(catalog.values())
    ]
    retired = [(goal, goal, True) for goal in current if goal not in catalog]
    if retired:
        groups.append(("no longer in the catalog", retired))
    picked = prompts.ask_grouped_checkbox(
        f"Study plan of {student.name} ({student.id})",
        groups,
        at_least_one="pick at least one goal",
    )
    return picked, current


@plan_app.command("add")
def add_goals(
    ctx: typer.Context,
    student_id: StudentArgument,
    goals: Annotated[
        list[str],
        typer.Argument(
            metavar="GOAL",
            help="Goals to add (ids or titles).",
            autocompletion=complete_goal,
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Add goals to the plan; goals already in it stay as they are."""
    app: AppContext = ctx.obj
    now = app.now()

    with app.store(write=True) as store:
        tutor, student, history = open_plan(app, store, student_id, now)
        wanted = resolve_goals(goals, school.goals())
        edit = edit_plan(history, student=student.id, at=now, by=tutor.id, add=wanted)
        store.add_plan_changes(edit.changes)

    for goal in wanted:
        if goal in edit.before:
            say(f"{goal} was already in {student.id}'s study plan")
    report(edit, as_json)


@plan_app.command("remove")
def remove_goals(
    ctx: typer.Context,
    student_id: StudentArgument,
    goals: Annotated[
        list[str],
        typer.Argument(
            metavar="GOAL",
            help="Goals to remove (ids or titles).",
            autocompletion=complete_plan_goal,
        ),
    ],
    allow_empty: AllowEmptyOption = False,
    as_json: JsonOption = False,
) -> None:
    """Remove goals from the plan; the last one only with --allow-empty.

    Sessions held while a goal was in the plan keep counting toward progress.
    """
    app: AppContext = ctx.obj
    now = app.now()

    with app.store(write=True) as store:
        tutor, student, history = open_plan(app, store, student_id, now)
        unwanted = resolve_goals(goals, school.goals(), also=plan_at(history))
        edit = edit_plan(
            history,
            student=student.id,
            at=now,
            by=tutor.id,
            remove=unwanted,
            allow_empty=allow_empty,
        )
        store.add_plan_changes(edit.changes)

    for goal in unwanted:
        if goal not in edit.before:
            say(f"{goal} was not in {student.id}'s study plan")
    report(edit, as_json)


def report(edit: PlanEdit, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "student": edit.student,
                "added": edit.added,
                "removed": edit.removed,
                "plan": list(edit.after),
            }
        )
        return
    if not edit.changes:
        say(f"{edit.student}'s study plan is unchanged")
        return
    parts = []
    if edit.added:
        parts.append("added " + ", ".join(edit.added))
    if edit.removed:
        parts.append("removed " + ", ".join(edit.removed))
    say(f"{edit.student}'s study plan: " + "; ".join(parts))
    say("now: " + (", ".join(edit.after) or "no goals"))


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
