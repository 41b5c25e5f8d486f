"""Issued and incoming documents: the use cases. Every write checks permission,
validates, writes in one transaction with its audit event (last), and leaves
notifications in the same transaction (the outbox).

A use case opens its own durable transaction; a ``…_within`` helper writes the
same in the caller's transaction (a consolidated report issued as a document,
the command line's all-or-nothing edXML import).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vigil.core import attachments, audit, clock
from vigil.core.audit import Actor
from vigil.core.classification import Classification
from vigil.core.documents import edxml
from vigil.core.documents.decree30 import ARTICLE
from vigil.core.numbering import DocType
from vigil.org.letterhead import place_of
from vigil.org.models import Agency, Committee, Post, PostHolder
from vigil.org.registers import services as numbering
from vigil.org.scope import check_clearance
from vigil.work.documents.models import (
    DocumentPoint,
    IncomingDocument,
    IncomingPoint,
    IssuedDocument,
    SigningForm,
    Urgency,
)
from vigil.work.models import WorkAction
from vigil.work.records.models import Meeting, WorkPlan
from vigil.work.services import (
    DEPUTY_KINDS,
    PointSpec,
    agencies_in_tree,
    can_issue,
    period_on,
    require,
    require_issuer,
    standing_agency,
)
from vigil.work.tasks.models import Task
from vigil.work.tasks.services import fan_out_within, tasks_from_points_within


def check_signature(
    committee: Committee, *, signing_post: Post, signer: PostHolder, form: str, day: dt.date
) -> None:
    """Decree 30 box 7: who may sign for which post, in which form.

    The signer must hold a post of this committee on the day; in their own name
    or TM. only for the post they hold; KT. only a deputy signing for the head;
    Q. or TL. for a post they do not hold themselves.
    """
    if form not in SigningForm.values:
        raise ValidationError({"signing_form": _("Unknown signing form.")})
    if signing_post.committee_id != committee.pk:
        raise ValidationError({"signing_post": _("The signing post is not of this committee.")})
    held = PostHolder.objects.filter(period_on(day), pk=signer.pk).select_related("post").first()
    if held is None or held.post.committee_id != committee.pk:
        raise ValidationError(
            {"signer": _("The signer does not hold a post of this committee on the date of issue.")}
        )
    own_post = held.post
    if form in (SigningForm.DIRECT, SigningForm.TM):
        if own_post.pk != signing_post.pk:
            raise ValidationError(
                {
                    "signer": _(
                        "%(name)s does not hold the post of %(post)s; sign KT. (for the head) "
                        "or choose its holder."
                    )
                    % {"name": held.holder_name, "post": signing_post.title}
                }
            )
    elif form == SigningForm.KT:
        if signing_post.kind != Post.Kind.HEAD:
            raise ValidationError({"signing_post": _("KT. signs for the head of the committee.")})
        if own_post.kind not in DEPUTY_KINDS:
            raise ValidationError(
                {"signer": _("Only a deputy head signs KT. for the head of the committee.")}
            )
    elif own_post.pk == signing_post.pk:
        raise ValidationError(
            {"signing_form": _("The holder of the post signs in their own name, not Q. or TL.")}
        )


def issue_document_within(
    committee: Committee,
    *,
    doc_type: str,
    subject: str,
    issue_date: dt.date,
    signing_post: Post,
    signer: PostHolder,
    signing_form: str = "",
    body: str = "",
    points: Sequence[PointSpec] = (),
    recipients: Iterable[Agency] = (),
    addressees: Iterable[Agency] = (),
    addressees_other: str = "",
    recipients_other: str = "",
    drafting_unit: str = "",
    authority: str = "",
    legal_bases: str = "",
    classification: int = Classification.UNCLASSIFIED,
    urgency: str = Urgency.NORMAL,
    external_number: int | None = None,
    source: Any = None,
    actor: Actor,
) -> IssuedDocument:
    """Number and record a document; each point's agencies get one task each.

    ``source``: the meeting whose conclusions notice, or the work plan, this is; it
    is issued once, and keeps a link to its document.

    ``addressees`` are printed under "Kính gửi:" and are recipients too; the
    ``*_other`` texts name organs outside the directory, one per line.
    """
    require(can_issue(actor, committee), _("Only the committee's standing office may do this."))
    if doc_type not in DocType.values:
        raise ValidationError({"doc_type": _("Unknown document type.")})
    if not subject.strip():
        raise ValidationError({"subject": _("Give the document's subject.")})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Unknown urgency.")})
    check_clearance(actor, classification)
    if source is not None and classification < getattr(source, "classification", 0):
        # DESIGN "Classification": what carries a record's conclusions is at least as
        # classified as the record; refused before anything is numbered or written.
        raise ValidationError(
            {
                "classification": _(
                    "The document cannot be less classified than the record it is issued from."
                )
            }
        )
    check_signature(
        committee, signing_post=signing_post, signer=signer, form=signing_form, day=issue_date
    )
    addressees = list(dict.fromkeys(addressees))
    drafting_unit = check_layout(
        doc_type, body=body, addressees=[*addressees, *_lines(addressees_other)],
        drafting_unit=drafting_unit, legal_bases=legal_bases,
    )  # fmt: skip
    addressed = agencies_in_tree(
        committee,
        [*addressees, *recipients, *(a for p in points for a in (*p.lead, *p.supporting))],
    )
    standing = committee.standing_agency
    if standing is None:
        raise ValidationError(_("The committee has no standing agency to keep its documents."))
    document = IssuedDocument(
        # The register records which document took each number, so the row exists
        # first (a placeholder symbol) and takes its number in the same transaction.
        owning_committee=committee, owning_agency=standing, classification=classification,
        doc_type=doc_type, number=0, symbol=f"draft-{uuid.uuid4().hex}",
        issue_date=issue_date, place=place_of(committee), signing_post=signing_post, signer=signer,
        signing_form=signing_form, subject=subject.strip(), body=body, urgency=urgency,
        issued_at=clock.now(), issued_by_label=audit.actor_label(actor),
        external_number=external_number is not None,
        addressees_other="\n".join(_lines(addressees_other)),
        recipients_other="\n".join(_lines(recipients_other)),
        drafting_unit=drafting_unit, authority=" ".join(authority.split()),
        legal_bases="\n".join(_lines(legal_bases)),
    )  # fmt: skip
    document.full_clean(exclude=["symbol", "number"])
    document.save()
    # Appendix III: a công văn's code is the issuer's and its drafting unit's (12/BCĐ-VPTT).
    unit = drafting_unit if doc_type == DocType.CONG_VAN else ""
    if external_number is None:
        issued = numbering.issue_number(
            committee, doc_type, actor=actor, about=document, year=issue_date.year, unit=unit
        )
    else:
        issued = numbering.record_external_number(
            committee, doc_type, external_number, actor=actor, about=document,
            year=issue_date.year, unit=unit,
        )  # fmt: skip
    document.number, document.symbol = issued.number, issued.symbol
    document.save(update_fields=["number", "symbol"])
    document.recipients.set(addressed)
    document.addressees.set(addressees)
    if source is not None:
        _link_source(source, document, committee)
    tasks: list[Task] = []
    for order, spec in enumerate(points, start=1):
        if not spec.text.strip():
            raise ValidationError({"points": _("A point cannot be empty.")})
        point = DocumentPoint.objects.create(document=document, order=order, text=spec.text)
        if spec.lead or spec.supporting:
            tasks += fan_out_within(
                committee, lead=spec.lead, supporting=spec.supporting,
                title=spec.title or spec.text[:300], description=spec.text,
                deadline=spec.deadline, deadline_working_days=spec.deadline_working_days,
                priority=spec.priority, classification=classification, assigned_on=issue_date,
                links={"document": document, "point": point}, actor=actor,
            )  # fmt: skip
    audit.record(
        WorkAction.DOCUMENT_ISSUED, actor=actor, obj=document,
        after={**audit.snapshot(document), "recipients": [a.pk for a in addressed],
               "points": len(points), "tasks": [t.pk for t in tasks]},
    )  # fmt: skip
    return document


# The use case; a caller already in a transaction calls ``issue_document_within``.
issue_document = transaction.atomic(durable=True)(issue_document_within)


def _link_source(source: Any, document: IssuedDocument, committee: Committee) -> None:
    field = {Meeting: "notice", WorkPlan: "document"}.get(type(source))
    if field is None or source.owning_committee_id != committee.pk:
        raise ValidationError(_("This document cannot be issued from that record."))
    # Compare-and-swap: two clerks issuing the same notice at once get one number each
    # only if both pass; the second finds the link set and its transaction rolls back.
    linked = (
        type(source)
        .objects.filter(pk=source.pk, **{f"{field}__isnull": True})
        .update(**{field: document})
    )
    if not linked:
        raise ValidationError(_("This record has already been issued as a document."))
    setattr(source, field, document)


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


DRAFTING_UNIT = re.compile(r"[A-ZĐ0-9]{1,20}")


def check_layout(
    doc_type: str, *, body: str, addressees: Sequence[object], drafting_unit: str,
    legal_bases: str,
) -> str:  # fmt: skip
    """What each type needs by Decree 30 (Appendix I, III); the drafting unit, cleaned."""
    unit = drafting_unit.strip().upper()
    if unit and not DRAFTING_UNIT.fullmatch(unit):
        raise ValidationError(
            {
                "drafting_unit": _(
                    "Give the drafting unit as its abbreviation in capitals, e.g. VPTT."
                )
            }
        )
    if doc_type == DocType.CONG_VAN:
        if not unit:
            raise ValidationError(
                {"drafting_unit": _("A công văn's number names the unit that drafted it.")}
            )
        if not addressees:
            raise ValidationError({"addressees": _("Say whom the công văn is sent to (Kính gửi).")})
    if doc_type == DocType.QUYET_DINH:
        if not _lines(legal_bases):
            raise ValidationError(
                {"legal_bases": _("A decision states its legal bases (Căn cứ …).")}
            )
        if not any(ARTICLE.match(line) for line in _lines(body)):
            raise ValidationError(
                {
                    "body": _(
                        "A decision decides in articles: begin lines with “Điều 1.”, “Điều 2.”…"
                    )
                }
            )
    return unit


# --- incoming documents


def _issuer_by_code(code: str) -> Agency | None:
    return Agency.objects.filter(electronic_code=code).first() if code else None


def _already_registered(document_id: str, held: IncomingDocument, actor: Actor) -> ValidationError:
    """The entry is named only to who may see it: its symbol is its subject's neighbour."""
    if IncomingDocument.objects.visible_to(actor).filter(pk=held.pk).exists():
        return ValidationError(
            _("This document (%(id)s) is already registered as incoming document %(symbol)s, "
              "entry %(pk)d.") % {"id": document_id, "symbol": held.symbol, "pk": held.pk}
        )  # fmt: skip
    return ValidationError(_("This document (%(id)s) is already registered.") % {"id": document_id})


def register_incoming_within(
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
    actor: Actor,
) -> IncomingDocument:
    """Register a document received; an issuer not in the directory is kept as named
    and flagged for the officer."""
    require_issuer(actor, committee)
    check_clearance(actor, classification)
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
        owning_committee=committee, owning_agency=standing_agency(committee), issuer=issuer,
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
    tasks = tasks_from_points_within(
        committee, specs, assigned_on=clock.today(), classification=classification, actor=actor
    )
    audit.record(
        WorkAction.INCOMING_REGISTERED, actor=actor, obj=document,
        after={**audit.snapshot(document), "attachments": [a.pk for a in saved],
               "tasks": [t.pk for t in tasks]},
    )  # fmt: skip
    return document


# The use case; a caller already in a transaction calls ``register_incoming_within``.
register_incoming = transaction.atomic(durable=True)(register_incoming_within)


@transaction.atomic(durable=True)
def assign_incoming(
    document: IncomingDocument, *, handler: Agency, actor: Actor
) -> IncomingDocument:
    """Hand the document to an agency for handling (it then sees it)."""
    committee = document.owning_committee
    require_issuer(actor, committee)
    (handler,) = agencies_in_tree(committee, [handler])
    before = {"handler": document.handler_id}
    IncomingDocument.objects.filter(pk=document.pk).update(handler=handler)
    document.handler = handler
    audit.record(
        WorkAction.INCOMING_ASSIGNED, actor=actor, obj=document, before=before,
        after={"handler": handler.pk},
    )  # fmt: skip
    return document


@transaction.atomic(durable=True)
def tasks_from_incoming(
    document: IncomingDocument, *, points: Sequence[PointSpec], actor: Actor
) -> list[Task]:
    """Turn further points of a registered document into tasks."""
    committee = document.owning_committee
    require_issuer(actor, committee)
    start = document.points.count()
    specs = []
    for order, spec in enumerate(points, start=start + 1):
        point = IncomingPoint.objects.create(document=document, order=order, text=spec.text)
        specs.append((spec, {"incoming_point": point}))
    tasks = tasks_from_points_within(
        committee, specs, assigned_on=clock.today(),
        classification=document.classification, actor=actor,
    )  # fmt: skip
    audit.record(
        WorkAction.INCOMING_POINTS_ADDED, actor=actor, obj=document,
        after={"points": [spec.text for spec, _links in specs], "tasks": [t.pk for t in tasks]},
    )  # fmt: skip
    return tasks
