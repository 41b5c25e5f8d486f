"""The use cases of a commendation proposal (*đề nghị khen thưởng*): propose, change
(while proposed), review (the standing office: reviewed with a note, or refused with
a reason), decide (the decision's number and date), refuse.

Who may:

- propose: the standing office or a leader of the committee (or of one above it), for
  an agency of the committee's tree, a committee below it, or a person of one of those
  agencies; or the head of an agency (``agency_head``), for their own agency or a
  person of it (Law 06/2022/QH15: the head of a unit proposes its own). An officer
  (liaison) does not propose: the head does.
- change: whoever may propose it, while it is proposed;
- review and refuse: the committee's standing office (or one above it);
- decide: a leader of the committee (or of one above it): they record the decision
  of the granting authority (the committee's head signs a Giấy khen; a Bằng khen is
  the provincial chairman's or the minister's decision, recorded with its number).

A proposal names its form and the authority that grants it (``AUTHORITIES_OF``: a
Bằng khen is the provincial chairman's or the minister's, a Giấy khen the committee
head's, the police director's or a commune chairman's, the last only for a commune
committee), and cites at least one item of evidence that Vigil shows for the
recipient and the year (``evidence.evidence_for``). A proposal is classified as high
as the most classified item it cites (each item carries the level of the objects its
figure counts), so its page, API, decision and the report's section are read through
the scope rule at that level; never above the proposer's clearance. Anything else is
refused in the reader's words, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.core.dates import validate_plausible
from vigil.org.models import Agency, Committee
from vigil.org.scope import Role, Viewer, scope_for
from vigil.reports.commendations.evidence import EvidenceItem, evidence_for, level_of, picked
from vigil.reports.commendations.models import (
    AUTHORITIES_OF,
    Authority,
    Commendation,
    CommendationForm,
    CommendationKind,
    CommendationState,
    RecipientKind,
)
from vigil.reports.models import ReportAction

KEEPERS = (Role.STANDING_OFFICE, Role.COMMITTEE_LEADER)
MAX_TEXT = 5000
CHANGEABLE = frozenset({"kind", "form", "authority", "achievement", "evidence_kinds",
                        "person_name", "person_position", "person_unit"})  # fmt: skip


class StaleCommendation(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed this proposal in the meantime: reload it and try again."),
            code="stale",
        )


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)


def keeps(user: Viewer, committee: Committee) -> bool:
    """The standing office or a leader of ``committee`` or of one above it."""
    return scope_for(user).committee_role_covers(committee.path, *KEEPERS)


def heads(user: Viewer, agency: Agency) -> bool:
    return scope_for(user).agency_role_in(agency.pk, Role.AGENCY_HEAD)


def may_propose(user: Viewer, committee: Committee, unit: Agency | None = None) -> bool:
    """A keeper of ``committee``; or the head of ``unit``, an agency of ``committee``."""
    if keeps(user, committee):
        return True
    return unit is not None and unit.committee_id == committee.pk and heads(user, unit)


def may_change(user: Viewer, c: Commendation) -> bool:
    if keeps(user, c.owning_committee):
        return True
    return heads(user, c.owning_agency)


def may_review(user: Viewer, c: Commendation) -> bool:
    return scope_for(user).committee_role_covers(c.owning_committee.path, Role.STANDING_OFFICE)


def may_decide(user: Viewer, c: Commendation) -> bool:
    return scope_for(user).committee_role_covers(c.owning_committee.path, Role.COMMITTEE_LEADER)


def steps_for(user: Viewer, c: Commendation) -> list[str]:
    """The workflow buttons the user gets on the proposal's page."""
    steps: list[str] = []
    if c.state == CommendationState.PROPOSED and may_change(user, c):
        steps.append("change")
    if c.state == CommendationState.PROPOSED and may_review(user, c):
        steps.append("review")
    if c.state == CommendationState.REVIEWED and may_decide(user, c):
        steps.append("decide")
    if c.state in (CommendationState.PROPOSED, CommendationState.REVIEWED) and (
        may_review(user, c) or may_decide(user, c)
    ):
        steps.append("refuse")
    return steps


def _in_tree(committee: Committee, agency: Agency | None, recipient: Committee | None) -> None:
    if agency is not None:
        owner = agency.committee
        if owner is None or not owner.path.startswith(committee.path):
            raise ValidationError(
                {"recipient_agency": _("Choose an agency of this committee or of one below it.")}
            )
    if recipient is not None and (
        recipient.pk == committee.pk or not recipient.path.startswith(committee.path)
    ):
        raise ValidationError({"recipient_committee": _("Choose a committee below this one.")})


def check_authority(committee: Committee, form: str, authority: str) -> None:
    if form not in CommendationForm.values:
        raise ValidationError({"form": _("Choose the form of the commendation.")})
    if authority not in AUTHORITIES_OF[form]:
        raise ValidationError({"authority": _(
            "This authority does not grant this form: a Bằng khen is granted by the "
            "provincial chairman or the minister, a Giấy khen by the committee's head, "
            "the police director or a commune chairman."
        )})  # fmt: skip
    if authority == Authority.COMMUNE_CHAIRMAN and committee.level != Committee.Level.COMMUNE:
        raise ValidationError(
            {"authority": _("A commune chairman grants the commendations of a commune.")}
        )


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": MAX_TEXT}})
    return value


def _evidence(
    viewer: Viewer, year: int, kinds: Sequence[str], *, agency: Agency | None,
    committee: Committee | None,
) -> list[EvidenceItem]:  # fmt: skip
    """The picked items as Vigil shows them now; at least one, each one it shows."""
    if not kinds:
        raise ValidationError({"evidence_kinds": _(
            "A proposal cites at least one piece of evidence that Vigil shows."
        )})  # fmt: skip
    shown = evidence_for(viewer, year, agency=agency, committee=committee)
    chosen = picked(shown, kinds)
    if len(chosen) != len(set(kinds)):
        raise ValidationError({"evidence_kinds": _(
            "Choose evidence from what Vigil shows for this recipient and year."
        )})  # fmt: skip
    return chosen


def _level(actor: Actor, items: Sequence[EvidenceItem]) -> int:
    """The proposal's classification: the highest among the items it cites, which
    the proposer must be cleared to read."""
    level = level_of(items)
    if level > scope_for(actor).clearance:
        raise ValidationError({"evidence_kinds": _(
            "This evidence is counted from objects classified above your clearance: "
            "someone cleared for them must propose it."
        )})  # fmt: skip
    return level


def _snapshot(c: Commendation) -> dict[str, Any]:
    return {
        "committee": c.owning_committee_id, "agency": c.owning_agency_id, "year": c.year,
        "kind": c.kind, "form": c.form, "authority": c.authority,
        "recipient_kind": c.recipient_kind, "recipient_agency": c.recipient_agency_id,
        "recipient_committee": c.recipient_committee_id, "person": c.person_name,
        "evidence": [i["kind"] for i in c.evidence], "state": c.state, "version": c.version,
        "decision_number": c.decision_number,
        "decision_date": c.decision_date.isoformat() if c.decision_date else None,
        "classification": c.classification,
    }  # fmt: skip


def default_achievement(year: int) -> str:
    return (f"Đã có thành tích xuất sắc trong công tác phòng, chống khủng bố "
            f"năm {year}")  # fmt: skip


@transaction.atomic(durable=True)
def propose(
    committee: Committee,
    *,
    actor: Actor,
    year: int,
    form: str,
    authority: str,
    evidence_kinds: Sequence[str],
    kind: str = CommendationKind.YEARLY,
    recipient_agency: Agency | None = None,
    recipient_committee: Committee | None = None,
    person_name: str = "",
    person_position: str = "",
    unit: Agency | None = None,
    achievement: str = "",
) -> Commendation:
    """A proposal of ``committee``: for a collective (``recipient_agency`` or
    ``recipient_committee``), or for a person (``person_name``, ``person_position``
    and their ``unit``, an agency: name, position and unit only)."""
    individual = bool(person_name.strip())
    proposer_unit = recipient_agency if not individual else unit
    _require(may_propose(actor, committee, proposer_unit), _(
        "Only the committee's standing office or a leader, or the head of the agency "
        "commended, may propose a commendation."
    ))  # fmt: skip
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    if kind not in CommendationKind.values:
        raise ValidationError({"kind": _("Choose the kind of commendation.")})
    check_authority(committee, form, authority)
    if individual:
        if recipient_agency is not None or recipient_committee is not None:
            raise ValidationError({"person_name": _(
                "A proposal is for a collective or for one person, not both."
            )})  # fmt: skip
        if unit is None:
            raise ValidationError({"unit": _("Choose the person's unit.")})
        _in_tree(committee, unit, None)
        name = _text(person_name, "person_name", _("Give the person's full name."))[:200]
        position = _text(person_position, "person_position", _("Give the person's position."))
        words = _text(achievement, "achievement",
                      _("Say what the person achieved: their unit's figures are not theirs."))  # fmt: skip
        items = _evidence(actor, year, evidence_kinds, agency=unit, committee=None)
    else:
        if (recipient_agency is None) == (recipient_committee is None):
            raise ValidationError({"recipient_agency": _(
                "Choose the collective commended: an agency or a committee."
            )})  # fmt: skip
        _in_tree(committee, recipient_agency, recipient_committee)
        name = position = ""
        words = (achievement or "").strip() or default_achievement(year)
        items = _evidence(actor, year, evidence_kinds, agency=recipient_agency,
                          committee=recipient_committee)  # fmt: skip
    owner = committee.standing_agency if keeps(actor, committee) else proposer_unit
    if owner is None:
        raise ValidationError(_("The committee has no standing office to own its proposals."))
    now = clock.now()
    c = Commendation(
        owning_committee=committee, owning_agency=owner, year=year, kind=kind, form=form,
        authority=authority,
        recipient_kind=RecipientKind.INDIVIDUAL if individual else RecipientKind.COLLECTIVE,
        recipient_agency=recipient_agency, recipient_committee=recipient_committee,
        person_name=name, person_position=position[:200],
        person_unit=(unit.name if individual and unit else "")[:300],
        achievement=words, evidence=items, classification=_level(actor, items),
        proposed_at=now, proposed_by=audit.acting_user(actor),
    )  # fmt: skip
    c.full_clean(exclude=["shared_agencies", "shared_committees"])
    c.save()
    audit.record(ReportAction.COMMENDATION_PROPOSED, actor=actor, obj=c, after=_snapshot(c))
    return c


def _locked(c: Commendation, version: int | None) -> Commendation:
    fresh: Commendation = Commendation.objects.select_for_update(of=("self",)).select_related(
        "owning_committee", "owning_agency", "recipient_agency", "recipient_committee"
    ).get(pk=c.pk)  # fmt: skip
    if version is not None and fresh.version != version:
        raise StaleCommendation
    return fresh


def _require_state(c: Commendation, *states: str) -> None:
    if c.state in states:
        return
    if c.state == CommendationState.DECIDED:
        raise ValidationError(
            _("This commendation was already decided (decision %(number)s): it can no "
              "longer be changed.") % {"number": c.decision_number}
        )  # fmt: skip
    if c.state == CommendationState.REFUSED:
        raise ValidationError(_("This proposal was refused: it can no longer be changed."))
    if c.state == CommendationState.REVIEWED:
        raise ValidationError(
            _("This proposal has been reviewed: it can only be decided or refused now.")
        )
    raise ValidationError(_("The standing office must review this proposal first."))


@transaction.atomic(durable=True)
def change(
    c: Commendation, *, actor: Actor, version: int | None = None, unit: Agency | None = None,
    **values: Any,
) -> Commendation:  # fmt: skip
    """Change a proposal while it is proposed (``CHANGEABLE``); evidence of an
    individual is their ``unit``'s."""
    unknown = set(values) - CHANGEABLE
    if unknown:
        raise ValueError(f"not changeable: {sorted(unknown)}")
    _require(may_change(actor, c), _("Only whoever proposed it, the standing office or a "
                                     "leader may change this proposal."))  # fmt: skip
    c = _locked(c, version)
    _require_state(c, CommendationState.PROPOSED)
    before = _snapshot(c)
    form = values.get("form", c.form)
    authority = values.get("authority", c.authority)
    check_authority(c.owning_committee, form, authority)
    c.form, c.authority = form, authority
    if "kind" in values:
        if values["kind"] not in CommendationKind.values:
            raise ValidationError({"kind": _("Choose the kind of commendation.")})
        c.kind = values["kind"]
    individual = c.recipient_kind == RecipientKind.INDIVIDUAL
    if "achievement" in values:
        if individual:
            c.achievement = _text(values["achievement"], "achievement", _(
                "Say what the person achieved: their unit's figures are not theirs."))  # fmt: skip
        else:
            c.achievement = (values["achievement"] or "").strip() or default_achievement(c.year)
    if individual:
        for field in ("person_name", "person_position"):
            if field in values:
                setattr(c, field, _text(values[field], field, _("This cannot be empty."))[:200])
        if unit is not None:
            _in_tree(c.owning_committee, unit, None)
            c.person_unit = unit.name[:300]
    if "evidence_kinds" in values:
        if individual and unit is None:
            raise ValidationError({"unit": _("Choose the person's unit.")})
        c.evidence = _evidence(actor, c.year, values["evidence_kinds"],
                               agency=unit if individual else c.recipient_agency,
                               committee=None if individual else c.recipient_committee)  # fmt: skip
        c.classification = _level(actor, c.evidence)
    c.version += 1
    c.full_clean(exclude=["shared_agencies", "shared_committees"])
    c.save()
    audit.record(ReportAction.COMMENDATION_CHANGED, actor=actor, obj=c, before=before,
                 after=_snapshot(c))  # fmt: skip
    return c


@transaction.atomic(durable=True)
def review(
    c: Commendation, *, actor: Actor, note: str = "", version: int | None = None
) -> Commendation:
    """The standing office has checked the proposal and its evidence: it goes to the
    committee's leaders for the decision."""
    _require(may_review(actor, c), _("Only the committee's standing office may review "
                                     "proposals."))  # fmt: skip
    c = _locked(c, version)
    _require_state(c, CommendationState.PROPOSED)
    before = _snapshot(c)
    c.review_note = (note or "").strip()[:MAX_TEXT]
    c.reviewed_at = clock.now()
    c.reviewed_by = audit.acting_user(actor)
    c.state = CommendationState.REVIEWED
    c.version += 1
    c.save()
    audit.record(ReportAction.COMMENDATION_REVIEWED, actor=actor, obj=c, before=before,
                 after=_snapshot(c))  # fmt: skip
    return c


@transaction.atomic(durable=True)
def decide(
    c: Commendation,
    *,
    actor: Actor,
    number: str,
    on: dt.date,
    version: int | None = None,
) -> Commendation:
    """Record the decision (its number and date): the commendation is granted."""
    _require(may_decide(actor, c), _("Only a leader of the committee may record the "
                                     "decision."))  # fmt: skip
    c = _locked(c, version)
    _require_state(c, CommendationState.REVIEWED)
    number = _text(number, "number", _("Give the decision's number."))[:80]
    try:
        validate_plausible(on)
    except ValidationError as error:
        raise ValidationError({"on": error.messages}) from None
    if on > clock.today():
        raise ValidationError({"on": _("A decision cannot be dated in the future.")})
    before = _snapshot(c)
    c.decision_number, c.decision_date = number, on
    c.decided_at = clock.now()
    c.decided_by = audit.acting_user(actor)
    c.state = CommendationState.DECIDED
    c.version += 1
    c.save()
    audit.record(ReportAction.COMMENDATION_DECIDED, actor=actor, obj=c, before=before,
                 after=_snapshot(c))  # fmt: skip
    return c


@transaction.atomic(durable=True)
def refuse(
    c: Commendation, *, actor: Actor, reason: str, version: int | None = None
) -> Commendation:
    """Refuse a proposal (the standing office on review, or a leader), with the reason."""
    _require(may_review(actor, c) or may_decide(actor, c), _(
        "Only the committee's standing office or a leader may refuse a proposal."
    ))  # fmt: skip
    c = _locked(c, version)
    _require_state(c, CommendationState.PROPOSED, CommendationState.REVIEWED)
    reason = _text(reason, "reason", _("Say why the proposal is refused."))
    before = _snapshot(c)
    c.refusal_reason = reason
    c.state = CommendationState.REFUSED
    c.version += 1
    c.save()
    audit.record(ReportAction.COMMENDATION_REFUSED, actor=actor, obj=c, before=before,
                 after=_snapshot(c))  # fmt: skip
    return c
