"""The interactive feedback flow: one screen per step, a summary, one save.

The store is read twice. Holding the writers' lock while a person types would
block every other fbcli command that writes, so the screens are drawn from a
snapshot read without the lock; after the tutor confirms, the store is opened
for writing once, the session's feedback versions are checked to be those of
the snapshot (else nothing is saved), and the feedback is decided again on
what the store now holds and saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from fbcli import prompts
from fbcli.context import AppContext
from fbcli.errors import FbcliError
from fbcli.giving import (
    ChangedMeanwhile,
    Ledger,
    Options,
    announce,
    check_strict,
    same_versions,
    save,
)
from fbcli.output import inert, stderr, warn
from fbcli.render import local
from fbcli.rules.evaluation import evaluate, resolve_parameter
from fbcli.rules.feedback import (
    Answers,
    Decision,
    FeedbackContext,
    answers_from,
    check_conflicts,
    check_may_give,
    check_reason,
    decide,
    doing_great_step,
    kept_award,
    kept_badge,
    kept_goal,
    plan_step,
    resolve_area,
    resolve_goal,
    student_missed_for,
)
from fbcli.rules.focus import FocusTooLong, check_focus
from fbcli.rules.model import Goal, PlanChange
from fbcli.rules.notices import RuleWarning

STEPS = 6
REASON_CHOICES = (
    ("student-absent", "the student never came; I stayed the whole session"),
    ("student-tech", "the student had major tech issues; we could not speak"),
    ("server-down", "the platform was down; I could not connect"),
    ("emergency", "an emergency kept me from connecting"),
)
HISTORY_SHOWN = 6


class NotSaved(FbcliError):
    exit_code = 1

    def __init__(self) -> None:
        super().__init__("nothing was saved")


def give_interactively(
    app: AppContext, session_id: str, given: Answers, options: Options
) -> None:
    now = app.now()
    with app.store() as store:
        tutor = app.acting_tutor(store)
        context = Ledger(store, tutor, now).context(session_id)
        names = {tutor.id: tutor.name}
        previous = context.previous
        if previous is not None:
            other = store.tutor(previous[0].tutor)
            names[previous[0].tutor] = other.name if other else previous[0].tutor

    flow = Flow(context, given, options, names)
    answers = flow.run()
    commit(app, context, answers, options, flow.accepted, flow.plan_set)


def confirm_unattended(
    app: AppContext, session_id: str, answers: Answers, options: Options
) -> None:
    """Ask the tutor to confirm they stayed the whole session, then save."""
    now = app.now()
    with app.store() as store:
        context = Ledger(store, app.acting_tutor(store), now).context(session_id)
    decide(context, answers)

    session, student = context.session, context.student
    console = stderr()
    console.print(
        f"{session.id}: {inert(student.name)} ({student.id}), "
        f"{local(session.start)}-{local(session.end)[-5:]}"
    )
    if context.amending is not None:
        console.print(
            f"This replaces the completed feedback given {local(context.amending.given_at)}."
        )
    console.print(
        "Once marked unattended, the session is locked: it cannot be changed."
    )
    stayed = prompts.ask_confirm(
        f"Did you stay all {session.minutes} minutes while the student never came?",
        default=False,
    )
    if not stayed:
        raise NotSaved()
    commit(app, context, answers, options, set(), [])


def commit(
    app: AppContext,
    context: FeedbackContext,
    answers: Answers,
    options: Options,
    accepted: set[str],
    plan_set: Sequence[PlanChange],
) -> None:
    """Decide again on the store as it is now and save, if nobody changed the session."""
    session_id = context.session.id
    with app.store(write=not options.dry_run) as store:
        fresh = Ledger(store, app.acting_tutor(store), context.now).context(
            session_id, plan_set
        )
        if not same_versions(context.versions, fresh.versions):
            raise ChangedMeanwhile(session_id, fresh.versions)
        decision = decide(fresh, answers)
        for line in decision.instructions:
            stderr().print(f"[bold]{inert(line)}[/]")
        unseen = [w for w in decision.warnings if w.code not in accepted]
        for warning in unseen:
            warn(warning.message)
        check_strict(unseen, options)
        if not options.dry_run:
            (decision,) = save(store, [decision])
            if plan_set:
                store.add_plan_changes(plan_set)

    announce([decision], options)


class Flow:
    """The questions of one feedback, asked only for answers no flag gave."""

    def __init__(
        self,
        context: FeedbackContext,
        given: Answers,
        options: Options,
        names: dict[str, str],
    ) -> None:
        self.context = context
        self.given = given
        self.options = options
        self.names = names
        self.console = stderr()
        self.defaults = Answers()
        self.plan_set: list[PlanChange] = []
        self.accepted: set[str] = set()

    # The whole flow.

    def run(self) -> Answers:
        check_may_give(self.context)
        check_conflicts(self.given)
        self.check_given()
        self.show_session()
        self.ask_amend()

        answers = replace(self.given)
        self.step_technical(answers)
        if answers.completed:
            self.step_evaluation(answers)
            self.step_great_work(answers)
            self.ensure_plan(answers)
            self.step_topic(answers)
            self.step_doing_great(answers)
            self.step_content(answers)
        decision = decide(self.context, answers)
        self.show_summary(decision)
        self.confirm_warnings(decision.warnings)
        verb = (
            "Check done; nothing will be saved. Finish?"
            if self.options.dry_run
            else "Save this feedback?"
        )
        if not prompts.ask_confirm(verb, default=True):
            raise NotSaved()
        return answers

    def check_given(self) -> None:
        """Answers flags gave are checked before anyone types an answer."""
        given, context = self.given, self.context
        if given.reason:
            check_reason(given.reason)
        if given.evaluation:
            evaluate(context.levels, given.evaluation, context.rubric)
        if given.goal:
            resolve_goal(given.goal, context.catalog)
        if given.doing_great:
            resolve_area(given.doing_great, context.catalog)

    # Before step 1.

    def show_session(self) -> None:
        context = self.context
        session, student = context.session, context.student
        self.console.rule(f"Feedback on {session.id}", align="left")
        self.console.print(
            f"[bold]{inert(student.name)}[/] ({inert(student.id)}), "
            f"{local(session.start)}, {session.minutes} min"
        )
        previous = context.previous
        if previous is None:
            self.console.print("No earlier session of this student has a follow-up.")
            return
        earlier, feedback = previous
        who = self.names.get(earlier.tutor, earlier.tutor)
        self.console.print(
            f"\nFollow-up left by the previous session ({inert(earlier.id)}, "
            f"{local(earlier.start)}, {inert(who)}):"
        )
        self.console.print(f"  [italic]{inert(feedback.follow_up) or '(none)'}[/]")

    def ask_amend(self) -> None:
        earlier = self.context.amending
        if earlier is None:
            return
        self.console.print(
            f"\n{self.context.session.id} already has feedback (version "
            f"{earlier.version}, given {local(earlier.given_at)} by {earlier.tutor})."
        )
        if not self.options.yes and not prompts.ask_confirm(
            "Amend it? The earlier version is kept.", default=True
        ):
            raise NotSaved()
        self.defaults = answers_from(earlier)

    # The steps.

    def step(self, number: int, title: str) -> None:
        self.console.print()
        self.console.rule(f"Step {number} of {STEPS}: {title}", align="left")

    def step_technical(self, answers: Answers) -> None:
        self.step(1, "technical")
        defaults = self.defaults
        if answers.completed is None:
            answers.completed = prompts.ask_select(
                "Was the session completed?",
                [_choice("Completed", True), _choice("Not completed", False)],
                default=defaults.completed,
            )
        if answers.completed:
            self.ask_tech_issues(answers)
            if answers.platform is None:
                answers.platform = self.ask_platform(defaults.platform)
            return

        self.console.print(
            "A session marked not completed is locked: it cannot be changed later."
        )
        if answers.reason is None:
            answers.reason = prompts.ask_select(
                "Why was it not completed?",
                [_choice(f"{r}: {text}", r) for r, text in REASON_CHOICES],
            )
        reason = check_reason(answers.reason or "")
        implied = student_missed_for(reason, None)
        if answers.student_missed is None:
            answers.student_missed = (
                implied
                if implied is not None
                else prompts.ask_confirm(
                    "Did the student miss the session?", default=False
                )
            )
        self.ask_tech_issues(answers)

    def ask_tech_issues(self, answers: Answers) -> None:
        defaults = self.defaults
        if answers.tech_issues is None:
            answers.tech_issues = prompts.ask_confirm(
                "Did you have tech issues?", default=bool(defaults.tech_issues)
            )
        if answers.note is None:
            answers.note = prompts.ask_text(
                "A note on step 1 (optional):", default=defaults.note or ""
            )

    def ask_platform(self, default: str | None) -> str:
        other = default if default and default != "zoom" else None
        picked = prompts.ask_select(
            "Which video platform did you use?",
            [_choice("Zoom", "zoom"), _choice("Another platform", "")],
            default="" if other else "zoom",
        )
        if picked:
            return str(picked)
        return prompts.ask_text(
            "Which platform?", default=other or "", validate=_required
        ).strip()

    def step_evaluation(self, answers: Answers) -> None:
        self.step(2, "student evaluation")
        context = self.context
        from rich.table import Table

        table = Table(box=None, pad_edge=False)
        for column in ("Parameter", "Level", "Recent levels, oldest first", ""):
            table.add_column(column)
        for parameter in context.rubric.parameters:
            history = context.level_history[parameter][-HISTORY_SHOWN:]
            hint = context.stagnating.get(parameter)
            table.add_row(
                parameter,
                str(context.levels[parameter]),
                " → ".join(str(level) for level in history),
                "[yellow]time for a higher mark?[/]" if hint else "",
            )
        self.console.print(table)
        scale = f"{context.rubric.lowest} to {context.rubric.highest}"
        self.console.print(f"Scale {scale}. + raises a level, - lowers it, = keeps it.")

        given = {
            resolve_parameter(name, context.rubric): move
            for name, move in (answers.evaluation or {}).items()
        }
        earlier = self.defaults.evaluation or {}
        moves = dict(given)
        for parameter in context.rubric.parameters:
            if parameter in given:
                continue
            moves[parameter] = self.ask_level(parameter, earlier.get(parameter))
        answers.evaluation = moves

    def ask_level(self, parameter: str, earlier: str | None) -> str:
        context = self.context
        level = context.levels[parameter]
        rubric = context.rubric
        choices = [
            _choice(
                f"+  up to {level + 1}",
                "+",
                disabled="top of the scale" if level >= rubric.highest else None,
            ),
            _choice(f"=  stays at {level}", "="),
            _choice(
                f"-  down to {level - 1}",
                "-",
                disabled="bottom of the scale" if level <= rubric.lowest else None,
            ),
        ]
        default = "="
        if earlier is not None:
            before = int(earlier)
            move = {level + 1: "+", level: "=", level - 1: "-"}.get(before)
            if move is None:
                choices.append(_choice(f"{before}  as saved before", str(before)))
                default = str(before)
            else:
                default = move
        message = f"{parameter} (now {level})"
        hint = context.stagnating.get(parameter)
        if hint is not None:
            message += " - has not risen lately; time for a higher mark?"
        return str(prompts.ask_select(message, choices, default=default))

    def step_great_work(self, answers: Answers) -> None:
        self.step(3, "great work badge")
        figures = self.context.badge
        low, high = figures.band
        if figures.rate is None:
            self.console.print("You have no completed sessions yet.")
        else:
            self.console.print(
                f"Your badge rate: {figures.tutor_badges} of your last "
                f"{figures.tutor_sessions} completed sessions ({figures.rate:.0%}); "
                f"the school aims for {low:.0%}-{high:.0%}."
            )
        student = self.context.student.id
        if figures.student_since is None:
            self.console.print(f"{student} has not had the badge yet.")
        else:
            ago = figures.student_since
            self.console.print(
                f"{student} last got the badge "
                + ("in the previous session." if ago == 1 else f"{ago} sessions ago.")
            )
        if answers.great_work is not None:
            return
        from fbcli.rules.awards import badge_warnings

        while True:
            answers.great_work = prompts.ask_confirm(
                "Award the great-work badge?",
                default=bool(self.defaults.great_work),
            )
            if (
                not answers.great_work
                or kept_badge(self.context)
                or self.accept(badge_warnings(figures), "Award it anyway?")
            ):
                return

    def ensure_plan(self, answers: Answers) -> None:
        """A student needs a study plan before step 4; the tutor sets one here.

        Not when --goal with --add-to-plan already starts the plan.
        """
        context = self.context
        if context.plan or (answers.goal and answers.add_to_plan):
            return
        student = context.student
        self.console.print()
        self.console.print(
            f"{inert(student.name)} ({student.id}) has no study plan yet. Set one "
            "now: pick the goals they will work on."
        )
        picked = prompts.ask_search_checkbox(
            "Goals of the study plan:",
            [_choice(_goal_title(g), g.id) for g in context.catalog.values()],
            validate=lambda chosen: bool(chosen) or "pick at least one goal",
            instruction="(type to search, Space to pick, Enter when done)",
        )
        self.plan_set = [
            PlanChange(student.id, goal, "add", context.now, context.tutor.id)
            for goal in picked
        ]
        self.context = replace(
            context, plan_changes=[*context.plan_changes, *self.plan_set]
        )

    def step_topic(self, answers: Answers) -> None:
        self.step(4, "session topic")
        context = self.context
        if answers.goal is None:
            answers.goal = self.ask_goal()
        goal = resolve_goal(answers.goal or "", context.catalog)
        if answers.add_to_plan is not None or goal.id in context.plan:
            return
        if kept_goal(context, goal, add_to_plan=False):
            return
        _, warnings = plan_step(context, goal, add_to_plan=False)
        for warning in warnings:
            warn(warning.message)
        answers.add_to_plan = prompts.ask_confirm(
            f"Add {goal.title!r} to {context.student.id}'s study plan so it counts?",
            default=True,
        )
        if not answers.add_to_plan:
            check_strict(warnings, self.options)
            self.accepted.update(w.code for w in warnings)

    def ask_goal(self) -> str:
        """The plan's goals first; any other goal by searching the whole catalog."""
        context = self.context
        earlier = self.defaults.goal
        plan = [context.catalog[g] for g in context.plan if g in context.catalog]
        choices = [_choice(_goal_title(g), g.id) for g in plan]
        offered = [g.id for g in plan]
        # An amendment may keep its goal even when the plan no longer has it.
        if earlier and earlier not in offered and earlier in context.catalog:
            goal = context.catalog[earlier]
            choices.append(_choice(_goal_title(goal, "as saved before"), goal.id))
            offered.append(goal.id)
        choices.append(_choice("another goal: search the whole catalog", ""))
        picked = prompts.ask_select(
            "Which goal of the study plan was the session about?",
            choices,
            default=earlier if earlier in offered else None,
        )
        if picked:
            return str(picked)
        titles = {_goal_title(g): g.id for g in context.catalog.values()}
        found = prompts.ask_autocomplete(
            "Search the catalog (type part of a title, Tab to see matches):",
            list(titles),
            validate=lambda text: text in titles or "pick a goal from the list",
        )
        return titles[found]

    def step_doing_great(self, answers: Answers) -> None:
        self.step(5, "you're doing great in ...")
        context = self.context
        figures = context.doing_great
        low, high = figures.band
        if figures.ever:
            self.console.print(
                f"{_sessions(figures.since)} since the last award "
                f"({figures.last_area}), counting this one; the school aims for one "
                f"every {low} to {high}."
            )
        else:
            self.console.print(
                f"No award yet in {figures.since} sessions, counting this one; the "
                f"school aims for one every {low} to {high}."
            )
        plan = list(context.plan)
        goal = resolve_goal(answers.goal or "", context.catalog)
        if answers.add_to_plan and goal.id not in plan:
            plan.append(goal.id)
        _, _, nudges = doing_great_step(context, None, plan)
        for nudge in nudges:
            self.console.print(f"[yellow]{inert(nudge.message)}[/]")
        if answers.doing_great is not None:
            return
        areas = context.areas(plan)
        choices = [_choice("no award this time", ""), *(_choice(a, a) for a in areas)]
        # An amendment may keep its award even when the plan no longer covers it.
        kept = kept_award(context)
        if kept and kept not in areas:
            choices.append(_choice(f"{kept} (as saved before)", kept))
            areas = [*areas, kept]
        while True:
            picked = prompts.ask_select(
                "Award 'you're doing great in' ...?",
                choices,
                default=self.defaults.doing_great
                if self.defaults.doing_great in areas
                else "",
            )
            answers.doing_great = picked or None
            if not picked:
                return
            _, warnings, _ = doing_great_step(context, picked, plan)
            if self.accept(warnings, "Award it anyway?"):
                return

    def step_content(self, answers: Answers) -> None:
        self.step(6, "session content")
        defaults = self.defaults
        answers.focus = self.ask_focus(answers.focus, defaults.focus or "")
        if answers.language_seen is None:
            answers.language_seen = prompts.ask_text(
                "Language seen during the lesson:",
                default=defaults.language_seen or "",
                validate=_required,
            )
        if answers.follow_up is None:
            answers.follow_up = prompts.ask_text(
                "Follow-up activities and/or focus of the next session:",
                default=defaults.follow_up or "",
                validate=_required,
            )
        if answers.comments is None:
            answers.comments = prompts.ask_text(
                "Additional comments (optional):", default=defaults.comments or ""
            )

    def ask_focus(self, given: str | None, default: str) -> str:
        """The focus; one too long is refused with a short form offered to edit."""
        limit = self.context.settings.focus_max_chars
        focus = given
        while True:
            if focus is not None:
                try:
                    return check_focus(focus, limit)
                except FocusTooLong as error:
                    self.console.print(
                        f"[yellow]The focus is over {limit} characters. A shorter "
                        "form is filled in below: press Enter to take it, or edit it.[/]"
                    )
                    default = error.suggestion
            focus = prompts.ask_counted_text(
                "Focus, seen only by tutors:",
                limit=limit,
                default=default,
            )

    # Warnings and the summary.

    def accept(self, warnings: Sequence[RuleWarning], question: str) -> bool:
        """Show the warnings; True when the tutor goes ahead regardless.

        Under --strict a warning is an error at once; with --yes it is
        accepted without asking; one already accepted is not asked again.
        """
        for warning in warnings:
            warn(warning.message)
        check_strict(warnings, self.options)
        fresh = {w.code for w in warnings} - self.accepted
        asking = fresh and not self.options.yes
        if asking and not prompts.ask_confirm(question, default=False):
            return False
        self.accepted |= fresh
        return True

    def confirm_warnings(self, warnings: Sequence[RuleWarning]) -> None:
        pending = [w for w in warnings if w.code not in self.accepted]
        if pending and not self.accept(pending, "Continue anyway?"):
            raise NotSaved()

    def show_summary(self, decision: Decision) -> None:
        from rich.table import Table

        feedback = decision.feedback
        self.console.print()
        self.console.rule("Summary", align="left")
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold")
        table.add_column()
        for label, value in summary_rows(self.context, decision):
            table.add_row(label, inert(value))
        self.console.print(table)
        if not feedback.completed:
            self.console.print(
                "Once saved, this session is locked: its feedback cannot be changed."
            )
        for hint in decision.hints:
            self.console.print(f"[dim]note: {inert(hint.message)}[/]")


def summary_rows(context: FeedbackContext, decision: Decision) -> list[tuple[str, str]]:
    feedback = decision.feedback
    rows = [("Session", f"{context.session.id}, {context.student.name}")]
    if feedback.version > 1:
        rows.append(
            ("Version", f"{feedback.version} (amends version {feedback.version - 1})")
        )
    rows.append(("Completed", "yes" if feedback.completed else "no"))
    if not feedback.completed:
        rows.append(("Reason", feedback.reason or ""))
        missed = feedback.student_missed
        rows.append(("Student missed it", "-" if missed is None else _yes(missed)))
        rows.append(
            ("Status", "unattended" if feedback.unattended else feedback.status)
        )
    rows.append(("Tech issues", _yes(feedback.tech_issues)))
    rows.append(("Note", feedback.note or "-"))
    if not feedback.completed:
        return rows
    rows.append(("Platform", feedback.platform or ""))
    levels = []
    for parameter, level in feedback.evaluation.items():
        before = context.levels[parameter]
        change = "" if level == before else f" (from {before})"
        levels.append(f"{parameter} {level}{change}")
    rows.append(("Levels", ", ".join(levels)))
    rows.append(("Great work badge", _yes(feedback.great_work)))
    goal = context.catalog[feedback.goal] if feedback.goal else None
    topic = goal.title if goal else ""
    if decision.plan_changes:
        topic += " (added to the study plan)"
    elif goal and goal.id not in context.plan:
        topic += " (not in the study plan)"
    rows.append(("Topic", topic))
    rows.append(("Doing great in", feedback.doing_great or "-"))
    rows.append(("Focus", feedback.focus))
    rows.append(("Language seen", feedback.language_seen))
    rows.append(("Follow-up", feedback.follow_up))
    rows.append(("Comments", feedback.comments or "-"))
    return rows


def _sessions(count: int) -> str:
    return "1 session" if count == 1 else f"{count} sessions"


def _goal_title(goal: Goal, where: str = "") -> str:
    return f"{goal.title} ({goal.area}{', ' + where if where else ''})"


def _choice(title: str, value: Any, disabled: str | None = None) -> Any:
    from questionary import Choice

    return Choice(title=title, value=value, disabled=disabled)


def _required(text: str) -> bool | str:
    return True if text.strip() else "required"


def _yes(value: bool) -> str:
    return "yes" if value else "no"
