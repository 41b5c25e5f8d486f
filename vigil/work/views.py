"""Pages of the committee's work: tasks, issued documents, scorecards. Thin:
scope, then services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core import attachments, audit, clock
from vigil.core.classification import STAMPS, Classification
from vigil.core.documents.decree30 import docx_response
from vigil.core.forms import add_form_errors
from vigil.core.paging import CappedPaginator
from vigil.core.xlsx import xlsx_response
from vigil.org.forms import AttachmentForm
from vigil.org.models import Committee
from vigil.org.scope import committees_with_role, get_visible_or_404, scope_for
from vigil.work import scorecard as scorecards
from vigil.work import services
from vigil.work.docx import addressee_names, docx_bytes, recipient_names, signature_lines
from vigil.work.forms import (
    AcceptForm,
    DocumentForm,
    NoteForm,
    PointFormSet,
    ReasonForm,
    TaskCreateForm,
    TaskEditForm,
    TaskFilterForm,
)
from vigil.work.models import IssuedDocument, Task

PAGE = 50


def _stamp(request: HttpRequest, objects: list[Any], about: Any) -> str:
    audit.record_view(request.user, objects, about=about, path=request.path)
    level = max((getattr(o, "classification", 0) for o in objects), default=0)
    return STAMPS[Classification(level)] if level else ""


def issuer_committees(user: Any) -> QuerySet[Committee]:
    return Committee.objects.filter(pk__in=committees_with_role(user, *services.ISSUER_ROLES))


def _tasks(user: Any) -> QuerySet[Task]:
    return Task.objects.visible_to(user).select_related("assignee", "owning_committee")


def _issued(user: Any) -> QuerySet[Task]:
    """The tasks that the user's committees issued and the user may see.

    Those committees lie within the user's own, so this is the first of the two parts
    of ``visible_to``: a plain predicate that ``work_task_scorecard_idx`` covers (the
    overdue count reads that index alone instead of every task row)."""
    issuers = committees_with_role(user, *services.ISSUER_ROLES)
    if not issuers <= scope_for(user).committees_below:  # never, with today's roles
        return Task.objects.visible_to(user).filter(owning_committee_id__in=issuers)
    return Task.objects.visible_owned(user).filter(owning_committee_id__in=issuers)


def task_list(request: HttpRequest) -> HttpResponse:
    """Tasks of my agencies (``?view=mine``), tasks my committees issued (``issued``), or all."""
    scope = scope_for(request.user)
    view = request.GET.get("view", "mine" if scope.agency_ids else "all")
    tasks: QuerySet[Task]
    if view == "mine":
        tasks = Task.objects.visible_through(request.user, "assignee")
    elif view == "issued":
        tasks = _issued(request.user)
    else:
        tasks = Task.objects.visible_to(request.user)
    tasks = tasks.select_related("assignee", "owning_committee")
    form = TaskFilterForm(request.GET)
    today = clock.today()
    if form.is_valid():
        data = form.cleaned_data
        if data["state"] == "open":
            tasks = tasks.filter(state__in=Task.OPEN_STATES)
        elif data["state"]:
            tasks = tasks.filter(state=data["state"])
        if data["overdue"]:
            tasks = tasks.filter(state__in=Task.OPEN_STATES, deadline__lt=today)
        if data["q"]:
            tasks = tasks.filter(title__icontains=data["q"])
    page = CappedPaginator(tasks.order_by("deadline", "pk"), PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page, "form": form, "view": view, "today": today,
        "can_issue": issuer_committees(request.user).exists(),
        "page_stamp": _stamp(request, list(page.object_list), None),
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
    user: Any = request.user
    files = services.task_files(task, user)
    initial = {"version": task.version}
    assignee = services.can_act_for(user, task.assignee_id)
    judge = services.can_judge(user, task)
    deputy = services.acting_post(user, task.owning_committee)
    siblings = _tasks(user).filter(batch=task.batch).exclude(pk=task.pk).order_by("assignee__name")
    return render(
        request,
        "work/task_detail.html",
        {
            "task": task, "timeline": services.timeline(task, user), "siblings": siblings,
            "assignee": assignee, "judge": judge or deputy is not None, "deputy": deputy,
            "today": clock.today(),
            "note_form": note_form or NoteForm(initial=initial), "accept_form": AcceptForm(initial=initial),
            "reason_form": ReasonForm(initial=initial),
            "edit_form": TaskEditForm(initial={**initial, "deadline": task.deadline,
                                               "priority": task.priority,
                                               "description": task.description}),
            "attachment_list": files,
            "can_attach": attachments.may_attach(user, task),
            "attach_url": reverse("work:task_attachment_upload", args=[task.pk]),
            "attachment_form": AttachmentForm(clearance=user.clearance),
            "max_upload_mb": attachments.max_upload_bytes() // (1024 * 1024),
            "page_stamp": _stamp(request, [task, *files], task),
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
    user: Any = request.user
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
    return _upload(request, task)


@require_POST
def document_attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    document: IssuedDocument = get_visible_or_404(IssuedDocument.objects, request.user, pk=pk)
    return _upload(request, document)


def _upload(request: HttpRequest, parent: Any) -> HttpResponse:
    if not attachments.may_attach(request.user, parent):
        raise PermissionDenied
    user: Any = request.user
    too_large = attachments.upload_too_large(request)
    if too_large is not None:
        messages.error(request, "; ".join(too_large.messages))
        return redirect(parent)
    form = AttachmentForm(request.POST, request.FILES, clearance=user.clearance)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(parent)
    try:
        attachments.attach(parent, form.cleaned_data["file"], actor=user,
                           classification=form.cleaned_data["classification"])  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("File attached."))
    return redirect(parent)


@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    committees = issuer_committees(user)
    if not committees.exists():
        raise Http404  # a page for the standing offices and leaders only
    form = TaskCreateForm(request.POST or None, committees=committees, clearance=user.clearance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tasks = services.assign_task(
                data["committee"], lead=list(data["lead"]), supporting=list(data["supporting"]),
                title=data["title"], description=data["description"],
                deadline=data["deadline"], deadline_working_days=data["deadline_working_days"],
                priority=data["priority"], classification=data["classification"], actor=user,
            )  # fmt: skip
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("%(n)d tasks assigned.") % {"n": len(tasks)})
            return redirect(tasks[0])
    return render(request, "work/task_form.html", {"form": form})


# --- issued documents


def document_list(request: HttpRequest) -> HttpResponse:
    documents = (
        IssuedDocument.objects.visible_to(request.user)
        .select_related("owning_committee")
        .order_by("-issue_date", "-pk")
    )
    page = Paginator(documents, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "work/document_list.html",
        {
            "page": page,
            "committees": issuer_committees(request.user),
            "page_stamp": _stamp(request, list(page.object_list), None),
        },
    )


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document: IssuedDocument = get_visible_or_404(
        IssuedDocument.objects.select_related(
            "owning_committee", "signing_post", "signer__post"
        ),
        request.user, pk=pk,
    )  # fmt: skip
    user: Any = request.user
    files = list(attachments.attachments_of(document, user))
    tasks = _tasks(user).filter(document=document).order_by("point__order", "assignee__name")
    addressees = addressee_names(document)
    return render(
        request,
        "work/document_detail.html",
        {
            "document": document, "points": document.points.all(), "tasks": tasks,
            "recipients": document.recipients.all(),
            "signature": signature_lines(document),
            "addressees": addressees,
            "recipient_lines": recipient_names(document, addressees),
            "attachment_list": files,
            "can_attach": attachments.may_attach(user, document),
            "attach_url": reverse("work:document_attachment_upload", args=[document.pk]),
            "attachment_form": AttachmentForm(clearance=user.clearance),
            "max_upload_mb": attachments.max_upload_bytes() // (1024 * 1024),
            "page_stamp": _stamp(request, [document, *files], document),
        },
    )  # fmt: skip


def document_docx(request: HttpRequest, pk: int) -> HttpResponse:
    document: IssuedDocument = get_visible_or_404(
        IssuedDocument.objects.select_related(
            "owning_committee", "signing_post__committee", "signer__post"
        ),
        request.user, pk=pk,
    )  # fmt: skip
    audit.record_view(request.user, [document], about=document, path=request.path)
    data = docx_bytes(document)
    name = document.symbol.replace("/", "-")
    return docx_response(f"{name}.docx", data)


def _source(request: HttpRequest, committee: Committee) -> tuple[Any, dict[str, Any], list[str]]:
    """A meeting's conclusions notice (``?meeting=``) or a work plan (``?plan=``): the
    form starts from what the record says; the clerk chooses signer and recipients."""
    from vigil.work import sources
    from vigil.work.models import Meeting, WorkPlan

    for key, model in (("meeting", Meeting), ("plan", WorkPlan)):
        raw = request.GET.get(key, "")
        if raw.isascii() and raw.isdigit():
            record = get_visible_or_404(model.objects, request.user, pk=int(raw))
            if record.owning_committee_id != committee.pk:
                raise Http404
            if request.method == "GET":
                # The form shows the record's conclusions: a read like its detail page.
                audit.record_view(request.user, [record], about=record, path=request.path)
            return (record, *sources.draft(record))
    return None, {}, []


@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, committee_pk: int) -> HttpResponse:
    committee: Committee = get_visible_or_404(Committee.objects, request.user, pk=committee_pk)
    user: Any = request.user
    if not services.can_issue(user, committee):
        raise PermissionDenied
    source, initial, point_texts = _source(request, committee)
    form = DocumentForm(
        request.POST or None, committee=committee, clearance=user.clearance, initial=initial
    )
    points = PointFormSet(
        request.POST or None, prefix="points", form_kwargs={"committee": committee},
        # Only shown, never compared: a posted point equal to its initial text would
        # count as unchanged and be dropped.
        initial=None if request.method == "POST" else [{"text": t} for t in point_texts],
    )  # fmt: skip
    if request.method == "POST" and form.is_valid() and points.is_valid():
        data = form.cleaned_data
        specs = [
            services.PointSpec(
                text=p["text"],
                lead=list(p["lead"]),
                supporting=list(p["supporting"]),
                deadline=p["deadline"],
                deadline_working_days=p["deadline_working_days"],
            )
            for p in points.cleaned_data
            if p and p.get("text", "").strip()
        ]
        try:
            document = services.issue_document(
                committee, doc_type=data["doc_type"], subject=data["subject"],
                issue_date=data["issue_date"], signing_post=data["signing_post"],
                signer=data["signer"], signing_form=data["signing_form"] or "",
                body=data["body"], points=specs, classification=data["classification"],
                addressees=list(data["addressees"]), addressees_other=data["addressees_other"],
                recipients=list(data["recipients"]), recipients_other=data["recipients_other"],
                drafting_unit=data["drafting_unit"], legal_bases=data["legal_bases"],
                authority=data["authority"], source=source,
                urgency=data["urgency"] or "", external_number=data["external_number"],
                actor=user,
            )  # fmt: skip
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(
                request, _("Document %(symbol)s issued.") % {"symbol": document.symbol}
            )
            return redirect(document)
    return render(
        request,
        "work/document_form.html",
        {"form": form, "points": points, "committee": committee},
    )


# --- scorecards


def _scorecard_rows(request: HttpRequest) -> list[scorecards.Row]:
    committee = request.GET.get("committee")
    committee_id = (
        int(committee) if committee and committee.isascii() and committee.isdigit() else None
    )
    rows = scorecards.scorecard(request.user, committee_id=committee_id)
    scorecards.record_view(request.user, rows, path=request.path, committee_id=committee_id)
    return rows


def scorecard(request: HttpRequest) -> HttpResponse:
    rows = _scorecard_rows(request)
    level = scorecards.classification(rows)
    return render(
        request,
        "work/scorecard.html",
        {"rows": rows, "page_stamp": STAMPS[Classification(level)] if level else ""},
    )


def scorecard_xlsx(request: HttpRequest) -> HttpResponse:
    rows = _scorecard_rows(request)
    return xlsx_response(
        f"bang-diem-{dt.date.isoformat(clock.today())}.xlsx",
        [scorecards.sheet(rows, headers=scorecards.headers(), title=_("Scorecard"))],
        classification=scorecards.classification(rows),
    )
