"""``vigil exercises rate|finding|action|actions|aar``: the evaluation from the command
line, as the named user (``--as``), through the same services and scope as the pages.

- ``rate OBJECTIVE_ID --rating P|S|M|U [--observations TEXT]``
- ``finding EXERCISE_ID --kind strength|improvement --text TEXT [--objective NUMBER]
  [--capability KEY] [--plan ID] [--requires-revision]``
- ``action FINDING_ID --agency ID --due DD/MM/YYYY --description TEXT [--plan ID]
  [--capability KEY]``
- ``actions [--state open|overdue|closed|cancelled] [--mine] [--exercise ID]``
- ``done ACTION_ID (--reference TEXT | --file PATH ...)``: the responsible agency
  reports its corrective action done, with its evidence (work's ``report_done``).
- ``aar EXERCISE_ID -o FILE.docx``: the after-action report and improvement plan.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.core import audit, dates
from vigil.exercises.cli import Subcommand
from vigil.exercises.drills.models import Capability, Exercise, Objective, Rating
from vigil.exercises.evaluation import documents, queries, services
from vigil.exercises.evaluation.models import CorrectiveAction, Finding, FindingKind
from vigil.org.models import Agency
from vigil.sites.models import Plan

if TYPE_CHECKING:
    from vigil.accounts.models import User


def _visible(queryset: Any, user: User, pk: int | None) -> Any:
    """The object if ``user`` sees it; otherwise refused as not found."""
    if pk is None:
        return None
    found = queryset.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise CommandError(_("Not found: %(id)s.") % {"id": pk})
    return found


def _rate_arguments(p: CommandParser) -> None:
    p.add_argument("objective", type=int, metavar="OBJECTIVE_ID")
    p.add_argument("--rating", required=True, help="P, S, M or U")
    p.add_argument("--observations", default="", metavar="TEXT")


def _rate(command: BaseCommand, user: User, o: dict[str, Any]) -> None:
    objective = _visible(Objective.objects.select_related("exercise"), user, o["objective"])
    rated = services.rate_objective(objective, rating=o["rating"],
                                    observations=o["observations"], actor=user)  # fmt: skip
    command.stdout.write(f"{rated.pk}\t{rated.number}\t{rated.rating}")


def _finding_arguments(p: CommandParser) -> None:
    p.add_argument("exercise", type=int, metavar="EXERCISE_ID")
    p.add_argument("--kind", required=True, choices=FindingKind.values)
    p.add_argument("--text", required=True)
    p.add_argument("--objective", type=int, metavar="NUMBER", help="the objective's number")
    p.add_argument("--capability", default="", choices=["", *Capability.values])
    p.add_argument("--plan", type=int, metavar="ID", help="a plan the exercise tested")
    p.add_argument("--requires-revision", action="store_true",
                   help="the plan must be revised (an area for improvement)")  # fmt: skip


def _finding(command: BaseCommand, user: User, o: dict[str, Any]) -> None:
    exercise = _visible(Exercise.objects.select_related("owning_committee"), user, o["exercise"])
    objective = None
    if o["objective"] is not None:
        objective = exercise.objectives.filter(number=o["objective"]).first()
        if objective is None:
            raise CommandError(_("The exercise has no objective %(n)d.") % {"n": o["objective"]})
    finding = services.record_finding(
        exercise, kind=o["kind"], text=o["text"], objective=objective,
        capability=o["capability"], plan=_visible(Plan.objects, user, o["plan"]),
        requires_revision=o["requires_revision"], actor=user,
    )  # fmt: skip
    command.stdout.write(f"{finding.pk}\t{finding.kind}\t{finding.text}")


def _action_arguments(p: CommandParser) -> None:
    p.add_argument("finding", type=int, metavar="FINDING_ID")
    p.add_argument("--agency", type=int, metavar="ID", help="the responsible agency")
    p.add_argument("--due", default="", metavar="DD/MM/YYYY")
    p.add_argument("--description", required=True)
    p.add_argument("--plan", type=int, metavar="ID", help="the plan it improves")
    p.add_argument("--capability", default="", choices=["", *Capability.values])


def _action(command: BaseCommand, user: User, o: dict[str, Any]) -> None:
    finding = _visible(Finding.objects.select_related("exercise"), user, o["finding"])
    due = dates.DateField(required=False).clean(o["due"]) if o["due"] else None
    action = services.file_corrective_action(
        finding, agency=_visible(Agency.objects, user, o["agency"]), due_on=due,
        description=o["description"], plan=_visible(Plan.objects, user, o["plan"]),
        capability=o["capability"], actor=user,
    )  # fmt: skip
    command.stdout.write(
        f"{action.pk}\t{_('task')} {action.task_id}\t{action.task.deadline:%d/%m/%Y}"
    )


def _actions_arguments(p: CommandParser) -> None:
    p.add_argument("--state", default="", choices=["", *queries.STATES])
    p.add_argument("--mine", action="store_true", help="only those of my agencies")
    p.add_argument("--exercise", type=int, metavar="ID")


def _actions(command: BaseCommand, user: User, o: dict[str, Any]) -> None:
    rows = list(queries.actions_for(user, view="mine" if o["mine"] else "all",
                                    state=o["state"], exercise=o["exercise"]))  # fmt: skip
    audit.record_view(user, [a.task for a in rows], path="cli:exercises actions")
    for row in queries.action_rows(user, rows):
        task = row["task"]
        command.stdout.write("\t".join([
            str(row["action"].pk), str(row["state_label"]), f"{task.deadline:%d/%m/%Y}",
            task.assignee.name, row["action"].exercise.name, task.description or task.title,
        ]))  # fmt: skip


def _done_arguments(p: CommandParser) -> None:
    p.add_argument("action", type=int, metavar="ACTION_ID")
    p.add_argument("--reference", default="", metavar="TEXT",
                   help="the evidence: a document number, a record")  # fmt: skip
    p.add_argument("--file", action="append", default=[], metavar="PATH",
                   help="a file of evidence (repeat for several)")  # fmt: skip


def _done(command: BaseCommand, user: User, o: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from vigil.work.tasks.services import acknowledge_task, report_done

    action = _visible(CorrectiveAction.objects.select_related("task"), user, o["action"])
    files = []
    for name in o["file"]:
        path = Path(name)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        files.append(SimpleUploadedFile(path.name, path.read_bytes()))
    task = action.task
    if task.state == task.State.ASSIGNED and (files or o["reference"].strip()):
        # Reporting it done says it was received: acknowledged first, as the task page would.
        acknowledge_task(task, actor=user)
        command.stdout.write(_("Acknowledged: %(title)s") % {"title": task.title})
    report_done(task, note=o["reference"], files=files, actor=user)
    command.stdout.write(_("Reported done: %(title)s") % {"title": action.task.title})


def _aar_arguments(p: CommandParser) -> None:
    p.add_argument("exercise", type=int, metavar="EXERCISE_ID")
    p.add_argument("-o", "--output", required=True, metavar="FILE.docx")


def _aar(command: BaseCommand, user: User, o: dict[str, Any]) -> None:
    exercise = _visible(Exercise.objects.select_related("owning_committee"), user, o["exercise"])
    output = Path(o["output"])
    if not output.parent.is_dir():
        raise CommandError(_("No such folder: %(path)s") % {"path": output.parent})
    contents = documents.contents(exercise, user)
    audit.record_view(user, contents.shown, about=exercise,
                      path=f"cli:exercises aar {exercise.pk}")  # fmt: skip
    output.write_bytes(documents.build(contents))
    command.stdout.write(str(output))


SUBCOMMANDS: dict[str, Subcommand] = {
    "rate": Subcommand(f"rate an objective ({', '.join(Rating.values)})", _rate_arguments, _rate),
    "finding": Subcommand("record a finding of an exercise", _finding_arguments, _finding),
    "action": Subcommand("file a corrective action of a finding", _action_arguments, _action),
    "actions": Subcommand(
        "list the corrective actions the user sees", _actions_arguments, _actions
    ),
    "done": Subcommand(
        "report a corrective action done, with its evidence", _done_arguments, _done
    ),
    "aar": Subcommand("write an exercise's after-action report (.docx)", _aar_arguments, _aar),
}
