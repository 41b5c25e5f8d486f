"""Pages of tasks: lists, a task, its actions. Thin: scope, then services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core import clock
from vigil.core.pages import (
    acting,
    attachment_context,
    audit_classified_view,
    submit,
    upload_attachment,
)
from vigil.core.paging import CappedPaginator
from vigil.org.scope import get_visible_or_404, scope_for
from vigil.work.forms import (
    AcceptForm,
    NoteForm,
    ReasonForm,
    TaskCreateForm,
    TaskEditForm,
    TaskFilterForm,
)
from vigil.work.queries import issuer_committees
from vigil.work.services import can_act_for, can_judge
from vigil.work.tasks import queries, services
from vigil.work.tasks.models import Task
from vigil.work.tasks.queries import visible_tasks

PAGE = 50


def task_list(request: HttpRequest) -> HttpResponse:
    """Tasks of my agencies (``?view=mine``), tasks my committees issued (``issued``), or all."""
    scope = scope_for(request.user)
    view = request.GET.get("view", "mine" if scope.agency_ids else "all")
    form = TaskFilterForm(request.GET)
    tasks = queries.task_rows(request.user, view, form.cleaned_data if form.is_valid() else None)
    today = clock.today()
    page = CappedPaginator(tasks, PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page, "form": form, "view": view, "today": today,
        "can_issue": issuer_committees(request.user).exists(),
        "page_stamp": audit_classified_view(request, list(page.object_list)),
    }  # fmt: skip
    template = "work/_task_rows.html" if request.htmx else "work/task_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task: Task = get_visible_or_404(
        Task.objects.select_related("assignee", "owning_committee", "document", "point"),
        request.user, pk=pk,
    )  # fmt: skip
    return _detail(request, task)


def _detail(
    request: HttpRequest, task: Task, note_form: forms.Form | None = None, status: int = 200
) -> HttpResponse:
    """The task's page; ``note_form`` is a refused report, shown again with what was typed."""
    user = acting(request)
    files = attachment_context(
        request, task, upload_url=reverse("work:task_attachment_upload", args=[task.pk]),
        files=queries.task_files(task, user),
    )  # fmt: skip
    initial = {"version": task.version}
    assignee = can_act_for(user, task.assignee_id)
    judge = can_judge(user, task)
    deputy = services.acting_post(user, task.owning_committee)
    siblings = (
        visible_tasks(user).filter(batch=task.batch).exclude(pk=task.pk).order_by("assignee__name")
    )
    return render(
        request,
        "work/task_detail.html",
        {
            "task": task, "timeline": queries.timeline(task, user), "siblings": siblings,
            "assignee": assignee, "judge": judge or deputy is not None, "deputy": deputy,
            "today": clock.today(), "origins": queries.origins_for(task, user),
            "note_form": note_form or NoteForm(initial=initial), "accept_form": AcceptForm(initial=initial),
            "reason_form": ReasonForm(initial=initial),
            "edit_form": TaskEditForm(initial={**initial, "deadline": task.deadline,
                                               "priority": task.priority,
                                               "description": task.description}),
            **files,
            "page_stamp": audit_classified_view(request, [task, *files["attachment_list"]], about=task),
        },
        status=status,
    )  # fmt: skip


VERBS = {"acknowledge", "progress", "done", "accept", "return", "cancel", "edit"}


@require_POST
def task_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    task: Task = get_visible_or_404(
        Task.objects.select_related("assignee", "owning_committee"), request.user, pk=pk
    )
    if verb not in VERBS:
        raise PermissionDenied
    user = acting(request)
    form_class = {"accept": AcceptForm, "return": ReasonForm, "cancel": ReasonForm,
                  "edit": TaskEditForm}.get(verb, NoteForm)  # fmt: skip
    form = form_class(request.POST, request.FILES)
    reports = verb in {"progress", "done"}
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        # A refused report keeps what was typed (the files must be chosen again).
        return _detail(request, task, form, status=400) if reports else redirect(task)
    data = form.cleaned_data
    version = data["version"]
    files = data.get("report_files") or []
    try:
        if verb == "acknowledge":
            services.acknowledge_task(task, actor=user, version=version)
        elif verb == "progress":
            services.report_progress(task, note=data["note"], files=files, actor=user,
                                     version=version)  # fmt: skip
        elif verb == "done":
            services.report_done(task, note=data["note"], files=files, actor=user,
                                 version=version)  # fmt: skip
        elif verb == "accept":
            services.accept_task(task, note=data["note"], for_the_head=data["for_the_head"],
                                 actor=user, version=version)  # fmt: skip
        elif verb == "return":
            services.return_task(task, reason=data["reason"], actor=user, version=version)
        elif verb == "cancel":
            services.cancel_task(task, reason=data["reason"], actor=user, version=version)
        else:
            services.update_task(task, deadline=data["deadline"], priority=data["priority"],
                                 description=data["description"], actor=user,
                                 version=version)  # fmt: skip
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        if reports:  # the typed note stays, with the version now current
            task.refresh_from_db()
            kept = NoteForm(initial={"version": task.version, "note": data["note"]})
            return _detail(request, task, kept, status=400)
    else:
        messages.success(request, _("Saved."))
    return redirect(task)


@require_POST
def task_attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    task: Task = get_visible_or_404(Task.objects.select_related("assignee"), request.user, pk=pk)
    return upload_attachment(request, task)


@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest) -> HttpResponse:
    user = acting(request)
    committees = issuer_committees(user)
    if not committees.exists():
        raise Http404  # a page for the standing offices and leaders only
    form = TaskCreateForm(request.POST or None, committees=committees, clearance=user.clearance)

    def assigned(tasks: list[Task]) -> Task:
        messages.success(request, _("%(n)d tasks assigned.") % {"n": len(tasks)})
        return tasks[0]

    done = submit(
        request, form,
        lambda data: services.assign_task(
            data["committee"], lead=list(data["lead"]), supporting=list(data["supporting"]),
            title=data["title"], description=data["description"],
            deadline=data["deadline"], deadline_working_days=data["deadline_working_days"],
            priority=data["priority"], classification=data["classification"], actor=user,
        ),
        success=None, then=assigned,
    )  # fmt: skip
    if done is not None:
        return done
    return render(request, "work/task_form.html", {"form": form})
