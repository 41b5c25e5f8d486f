"""Work plans, meetings and incoming documents: the use cases. Each point can
become tasks through the same fan-out as a directive's (``services``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vigil.core import attachments, audit, clock
from vigil.core.audit import SystemActor
from vigil.core.classification import STAMPS, Classification
from vigil.core.documents import edxml
from vigil.core.models import Attachment
from vigil.org.models import Agency, Committee, PostHolder
from vigil.work.models import (
    ConclusionPoint,
    IncomingDocument,
    IncomingPoint,
    IssuedDocument,
    Meeting,
    Task,
    WorkAction,
    WorkPlan,
    WorkPlanItem,
)
from vigil.work.services import (
    PointSpec,
    _agencies_in_tree,
    _check_classification,
    _require,
    can_issue,
    tasks_from_points,
)


def _standing(committee: Committee) -> Agency:
    if committee.standing_agency is None:
        raise ValidationError(_("The committee has no standing agency to keep its documents."))
    return committee.standing_agency


def _issuer_only(actor: Any, committee: Committee) -> None:
    _require(can_issue(actor, committee), _("Only the committee's standing office may do this."))


# --- work plans


@transaction.atomic
def create_work_plan(
    committee: Committee,
    *,
    year: int,
    title: str,
    items: Sequence[PointSpec] = (),
    classification: int = Classification.UNCLASSIFIED,
    actor: Any,
) -> WorkPlan:
    _issuer_only(actor, committee)
    _check_classification(actor, classification)
    if WorkPlan.objects.filter(owning_committee=committee, year=year).exists():
        raise ValidationError({"year": _("This committee already has a work plan for this year.")})
    plan = WorkPlan(
        owning_committee=committee, owning_agency=_standing(committee), year=year,
        title=title.strip(), classification=classification, created_at=clock.now(),
    )  # fmt: skip
    plan.full_clean()
    plan.save()
    specs = []
    for order, spec in enumerate(items, start=1):
        item = WorkPlanItem.objects.create(plan=plan, order=order, text=spec.text)
        specs.append((spec, {"plan_item": item}))
    start = max(clock.today(), dt.date(year, 1, 1))
    tasks = tasks_from_points(
        committee, specs, assigned_on=start, classification=classification, actor=actor
    )
    audit.record(
        WorkAction.PLAN_CREATED, actor=actor, obj=plan,
        after={**audit.snapshot(plan), "items": len(items), "tasks": [t.pk for t in tasks]},
    )  # fmt: skip
    return plan


def _point_tasks(
    committee: Committee, spec: PointSpec, field: str, source: Any, *, assigned_on: dt.date,
    classification: int, actor: Any,
) -> list[Task]:  # fmt: skip
    """The tasks of a plan item or conclusion point already recorded: its text is the
    task's; an agency that already holds an open or finished task of it is refused,
    so a request sent twice writes nothing the second time."""
    if not spec.lead:
        raise ValidationError({"agencies": _("Name at least one lead agency.")})
    type(source).objects.select_for_update().filter(pk=source.pk).first()  # one at a time
    holding = set(
        Task.objects.filter(**{field: source})
        .exclude(state=Task.State.CANCELLED)
        .values_list("assignee_id", flat=True)
    )
    again = [a.name for a in dict.fromkeys([*spec.lead, *spec.supporting]) if a.pk in holding]
    if again:
        raise ValidationError(
            {"agencies": _("%(names)s: already given a task for this point.")
             % {"names": ", ".join(again)}}
        )  # fmt: skip
    spec = dataclasses.replace(spec, text=source.text)
    return tasks_from_points(
        committee, [(spec, {field: source})], assigned_on=assigned_on, classification=classification,
        actor=actor,
    )  # fmt: skip


@transaction.atomic
def tasks_from_plan_item(item: WorkPlanItem, *, spec: PointSpec, actor: Any) -> list[Task]:
    """Hand an item of a plan to agencies (each task is audited as assigned)."""
    plan = item.plan
    committee = plan.owning_committee
    _issuer_only(actor, committee)
    return _point_tasks(
        committee, spec, "plan_item", item,
        assigned_on=max(clock.today(), dt.date(plan.year, 1, 1)),
        classification=plan.classification, actor=actor,
    )  # fmt: skip


# --- meetings


@transaction.atomic
def record_meeting(
    committee: Committee,
    *,
    kind: str,
    title: str,
    held_on: dt.date,
    agenda: str = "",
    invited: Iterable[Agency] = (),
    attending: Iterable[Agency] = (),
    conclusions: str = "",
    points: Sequence[PointSpec] = (),
    classification: int = Classification.UNCLASSIFIED,
    starts_at: dt.time | None = None,
    venue: str = "",
    chair: PostHolder | None = None,
    actor: Any,
) -> Meeting:
    """A meeting and its conclusions; each conclusion point may become tasks."""
    _issuer_only(actor, committee)
    _check_classification(actor, classification)
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of meeting.")})
    invited = _agencies_in_tree(committee, invited)
    attending = _agencies_in_tree(committee, attending)
    if chair is not None and chair.post.committee_id != committee.pk:
        raise ValidationError({"chair": _("The chair holds no post of this committee.")})
    meeting = Meeting(
        starts_at=starts_at, venue=venue.strip(), chair=chair,
        owning_committee=committee, owning_agency=_standing(committee), kind=kind,
        title=title.strip(), held_on=held_on, agenda=agenda, conclusions=conclusions,
        classification=classification, created_at=clock.now(),
    )  # fmt: skip
    meeting.full_clean()
    meeting.save()
    meeting.invited.set(invited)
    meeting.attending.set(attending)
    specs = []
    for order, spec in enumerate(points, start=1):
        point = ConclusionPoint.objects.create(meeting=meeting, order=order, text=spec.text)
        specs.append((spec, {"conclusion": point}))
    tasks = tasks_from_points(
        committee, specs, assigned_on=held_on, classification=classification, actor=actor
    )
    audit.record(
        WorkAction.MEETING_RECORDED, actor=actor, obj=meeting,
        after={**audit.snapshot(meeting), "invited": [a.pk for a in invited],
               "attending": [a.pk for a in attending], "tasks": [t.pk for t in tasks]},
    )  # fmt: skip
    return meeting


@transaction.atomic
def tasks_from_conclusion(point: ConclusionPoint, *, spec: PointSpec, actor: Any) -> list[Task]:
    """Hand a conclusion of a meeting to agencies (each task is audited as assigned)."""
    meeting = point.meeting
    committee = meeting.owning_committee
    _issuer_only(actor, committee)
    return _point_tasks(
        committee, spec, "conclusion", point,
        assigned_on=max(clock.today(), meeting.held_on),
        classification=meeting.classification, actor=actor,
    )  # fmt: skip


# --- incoming documents


def _issuer_by_code(code: str) -> Agency | None:
    return Agency.objects.filter(electronic_code=code).first() if code else None


def _already_registered(document_id: str, held: IncomingDocument, actor: Any) -> ValidationError:
    """The entry is named only to who may see it: its symbol is its subject's neighbour."""
    if (
        isinstance(actor, SystemActor)
        or IncomingDocument.objects.visible_to(actor).filter(pk=held.pk).exists()
    ):
        return ValidationError(
            _("This document (%(id)s) is already registered as incoming document %(symbol)s, "
              "entry %(pk)d.") % {"id": document_id, "symbol": held.symbol, "pk": held.pk}
        )  # fmt: skip
    return ValidationError(_("This document (%(id)s) is already registered.") % {"id": document_id})


@transaction.atomic
def register_incoming(
    committee: Committee,
    *,
    issuer: Agency | None = None,
    issuer_name: str = "",
    issuer_code: str = "",
    number: str,
    notation: str = "",
    doc_date: dt.date,
    subject: str,
    type_name: str = "",
    place: str = "",
    content: str = "",
    signer_name: str = "",
    signer_position: str = "",
    deadline: dt.date | None = None,
    classification: int = Classification.UNCLASSIFIED,
    files: Sequence[Any] = (),
    points: Sequence[PointSpec] = (),
    from_edxml: bool = False,
    document_id: str = "",
    addressed_to: Sequence[edxml.Organ] = (),
    type_code: str = "",
    type_detail: str = "",
    organization_in_charge: str = "",
    actor: Any,
) -> IncomingDocument:
    """Register a document received; an issuer not in the directory is kept as named
    and flagged for the officer."""
    _issuer_only(actor, committee)
    _check_classification(actor, classification)
    if issuer is None:
        issuer = _issuer_by_code(issuer_code)
    # A committee sends under its own code: known to the directory, though not an agency.
    sender_committee = (
        Committee.objects.filter(electronic_code=issuer_code).first()
        if issuer is None and issuer_code
        else None
    )
    if sender_committee is not None and not issuer_name.strip():
        issuer_name = sender_committee.name
    if not number.strip():
        raise ValidationError({"number": _("Give the document's number.")})
    if not subject.strip():
        raise ValidationError({"subject": _("Give the document's subject.")})
    if issuer is None and not issuer_name.strip():
        raise ValidationError({"issuer_name": _("Name the issuing body.")})
    if deadline is not None and deadline < doc_date:
        raise ValidationError({"deadline": _("The deadline cannot be before the date of issue.")})
    document_id = document_id.strip()
    held = (
        IncomingDocument.objects.filter(owning_committee=committee, document_id=document_id).first()
        if document_id
        else None
    )
    if held is not None:
        raise _already_registered(document_id, held, actor)
    codes = {o.code for o in addressed_to if o.code}
    ours = {committee.electronic_code} - {""}
    document = IncomingDocument(
        document_id=document_id, type_code=type_code.strip(), type_detail=type_detail.strip(),
        organization_in_charge=organization_in_charge.strip(),
        addressed_to="\n".join(
            " — ".join(part for part in (o.code, o.name, o.in_charge) if part)
            for o in addressed_to
        ),
        not_addressed=bool(codes and ours and not codes & ours),
        owning_committee=committee, owning_agency=_standing(committee), issuer=issuer,
        issuer_name=issuer_name.strip() or (issuer.name if issuer else ""),
        issuer_code=issuer_code or (issuer.electronic_code if issuer else ""),
        issuer_unknown=issuer is None and sender_committee is None, number=number.strip(),
        notation=notation.strip(),
        type_name=type_name, doc_date=doc_date, place=place, subject=subject.strip(),
        content=content, signer_name=signer_name, signer_position=signer_position,
        deadline=deadline, classification=classification, received_at=clock.now(),
        registered_by_label=audit.actor_label(actor), from_edxml=from_edxml,
    )  # fmt: skip
    document.full_clean()
    try:
        # Two clerks registering the same package at once: the constraint decides,
        # and the loser gets the same answer as a sequential second attempt.
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:
        held = IncomingDocument.objects.filter(
            owning_committee=committee, document_id=document_id
        ).first()
        if not document_id or held is None:
            raise
        raise _already_registered(document_id, held, actor) from exc
    saved = [attachments.attach(document, f, actor=actor) for f in files]
    specs = []
    for order, spec in enumerate(points, start=1):
        point = IncomingPoint.objects.create(document=document, order=order, text=spec.text)
        specs.append((spec, {"incoming_point": point}))
    tasks = tasks_from_points(
        committee, specs, assigned_on=clock.today(), classification=classification, actor=actor
    )
    audit.record(
        WorkAction.INCOMING_REGISTERED, actor=actor, obj=document,
        after={**audit.snapshot(document), "attachments": [a.pk for a in saved],
               "tasks": [t.pk for t in tasks]},
    )  # fmt: skip
    return document


def import_incoming_edxml(
    committee: Committee, data: bytes, *, classification: int = 0, actor: Any
) -> IncomingDocument:
    """Register the document an edXML package carries, with its attachments."""
    try:
        package = edxml.parse_package(data, max_attachment_bytes=attachments.max_upload_bytes())
    except edxml.EdxmlError as exc:
        raise ValidationError(str(exc)) from exc
    files = [SimpleUploadedFile(a.name, a.data, a.content_type) for a in package.attachments]
    return register_incoming(
        committee, issuer_code=package.sender.code, issuer_name=package.sender.name,
        number=package.number, notation=package.notation, doc_date=package.date,
        subject=package.subject, type_name=package.type_name, place=package.place,
        content=package.content, signer_name=package.signer_name,
        signer_position=package.signer_position, deadline=package.due_date,
        classification=classification, files=files, from_edxml=True,
        document_id=package.document_id, addressed_to=package.recipients,
        type_code=package.type_code, type_detail=package.type_detail,
        organization_in_charge=package.sender.in_charge, actor=actor,
    )  # fmt: skip


@transaction.atomic
def assign_incoming(document: IncomingDocument, *, handler: Agency, actor: Any) -> IncomingDocument:
    """Hand the document to an agency for handling (it then sees it)."""
    committee = document.owning_committee
    _issuer_only(actor, committee)
    (handler,) = _agencies_in_tree(committee, [handler])
    before = {"handler": document.handler_id}
    IncomingDocument.objects.filter(pk=document.pk).update(handler=handler)
    document.handler = handler
    audit.record(
        WorkAction.INCOMING_ASSIGNED, actor=actor, obj=document, before=before,
        after={"handler": handler.pk},
    )  # fmt: skip
    return document


@transaction.atomic
def tasks_from_incoming(
    document: IncomingDocument, *, points: Sequence[PointSpec], actor: Any
) -> list[Task]:
    """Turn further points of a registered document into tasks."""
    committee = document.owning_committee
    _issuer_only(actor, committee)
    start = document.points.count()
    specs = []
    for order, spec in enumerate(points, start=start + 1):
        point = IncomingPoint.objects.create(document=document, order=order, text=spec.text)
        specs.append((spec, {"incoming_point": point}))
    tasks = tasks_from_points(
        committee, specs, assigned_on=clock.today(),
        classification=document.classification, actor=actor,
    )  # fmt: skip
    audit.record(
        WorkAction.INCOMING_POINTS_ADDED, actor=actor, obj=document,
        after={"points": [spec.text for spec, _links in specs], "tasks": [t.pk for t in tasks]},
    )  # fmt: skip
    return tasks


# --- issued documents out as edXML


def _file_bytes(attachment: Attachment) -> bytes:
    return attachments.stored_path(attachment.stored_name).read_bytes()


class ClassifiedExportRefused(PermissionDenied):
    """edXML is the unclassified exchange: nothing classified travels through it."""


def _every_attachment(document: IssuedDocument) -> list[Attachment]:
    return list(
        Attachment.objects.filter(
            parent_type=ContentType.objects.get_for_model(document), parent_id=document.pk
        ).order_by("uploaded_at", "pk")
    )


def edxml_refusal(
    document: IssuedDocument, actor: Any, files: Sequence[Attachment] | None = None
) -> str:
    """Why ``document`` may not go out as edXML ("" when it may). Every attachment
    counts, also one above the user's clearance: the package must not leave a
    classified annex behind unsaid, nor carry it. ``files``: the attachments already
    read (the export checks the very list it packs)."""
    if document.classification > 0:
        return _(
            "This document is classified %(level)s: classified documents are not sent "
            "through the edXML exchange. Download the .docx (it carries its stamp) and send "
            "it through the channel for classified documents."
        ) % {"level": STAMPS[Classification(document.classification)]}
    every = _every_attachment(document) if files is None else files
    classified = [a for a in every if a.classification > 0]
    readable = [a for a in classified if a.classification <= attachments.clearance_of(actor)]
    if readable:
        return _(
            "The attachment “%(name)s” is classified %(level)s: classified files are not "
            "sent through the edXML exchange. Send it through the channel for classified "
            "documents, or remove it from this document first."
        ) % {"name": readable[0].name, "level": STAMPS[Classification(readable[0].classification)]}
    if classified:
        return _(
            "One of this document's attachments is classified: classified files are not "
            "sent through the edXML exchange."
        )
    return ""


def _refuse_classified_export(
    document: IssuedDocument, *, actor: Any, files: Sequence[Attachment]
) -> None:
    reason = edxml_refusal(document, actor, files)
    if not reason:
        return
    # The refused attempt is kept: its own transaction, committed before the refusal.
    with transaction.atomic():
        audit.record(
            WorkAction.DOCUMENT_EXPORT_REFUSED, actor=actor, obj=document,
            after={"format": "edxml", "reason": reason},
        )  # fmt: skip
    raise ClassifiedExportRefused(reason)


def _signer_position(document: IssuedDocument) -> str:
    """ "Trưởng ban" in one's own name; "Trưởng ban" signed KT. by "Phó Trưởng ban…" keeps both."""
    own = document.signer.post.title
    if document.signing_form and document.signing_post_id != document.signer.post_id:
        return f"{document.signing_post.title} ({own})"
    return own


def export_edxml(document: IssuedDocument, *, actor: Any) -> bytes:
    """The document as an edXML package for the agencies' document management systems.

    Refused (``ClassifiedExportRefused``, audited) for a classified document or
    one with a classified attachment."""
    # One read: the list the refusal passes is the list packed (no file slips in between).
    files = _every_attachment(document)
    _refuse_classified_export(document, actor=actor, files=files)
    committee = document.owning_committee
    # The committee's own code; the standing agency's only for a committee without one.
    sender_agency = committee.standing_agency
    code = committee.electronic_code or (sender_agency.electronic_code if sender_agency else "")
    sender = edxml.Organ(
        code=code, name=committee.name, in_charge=sender_agency.name if sender_agency else ""
    )
    number, _slash, notation = document.symbol.partition("/")
    package = edxml.EdxmlDocument(
        sender=sender,
        recipients=[edxml.Organ(a.electronic_code, a.name) for a in document.recipients.all()],
        number=number, notation=notation, place=document.place, date=document.issue_date,
        type_name=document.type_name or "Công văn", type_code=edxml.type_code(document.doc_type),
        type_detail=edxml.type_detail(document.doc_type),
        priority=edxml.priority_of(document.urgency),
        subject=document.subject, document_id=f"vigil-{committee.pk}-{document.pk}",
        content=document.body, signer_name=document.signer.holder_name,
        signer_competence=document.signing_form,
        signer_position=_signer_position(document),
        attachments=[edxml.EdxmlAttachment(a.name, a.content_type, _file_bytes(a)) for a in files],
    )  # fmt: skip
    data = edxml.build_package(package)
    with transaction.atomic():
        audit.record(
            WorkAction.DOCUMENT_EXPORTED, actor=actor, obj=document,
            after={"attachments": [a.pk for a in files], "bytes": len(data)},
        )  # fmt: skip
    return data
