"""Use cases of key sites, contingency plans and the risk register. Every write:
permission, validation, one transaction, the audit event last in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.core.coordinates import (
    LAT_MAX,
    LAT_MIN,
    LATITUDE_MESSAGE,
    LON_MAX,
    LON_MIN,
    LONGITUDE_MESSAGE,
    PAIRED_MESSAGE,
    coordinate,
)
from vigil.core.models import AdminUnit
from vigil.inbox.escalation import close_case
from vigil.inbox.models import CaseKind
from vigil.org.models import Agency, Committee, Role
from vigil.org.scope import Viewer, check_clearance, scope_for
from vigil.sites.models import (
    CYCLE_MESSAGE,
    SECTION_NAMES,
    KeySite,
    Plan,
    PlanReviewSetting,
    PlanVersion,
    RiskAssessment,
    ScenarioType,
    SiteAction,
    SiteCategory,
    VersionStatus,
)
from vigil.sites.queries import add_months, review_cycle_months

SITE_FIELDS = (
    "name", "category", "owner_name", "responsible_agency", "commune", "address",
    "latitude", "longitude", "criticality", "notes", "classification",
)  # fmt: skip

# --- who may


def can_keep_sites(user: Viewer, committee: Committee) -> bool:
    """The standing office or a leader of the committee (or of one above it)."""
    return scope_for(user).committee_role_covers(
        committee.path, Role.STANDING_OFFICE, Role.COMMITTEE_LEADER
    )


def can_change_site(user: Viewer, site: KeySite) -> bool:
    """Those who keep the committee's sites, and the site's own agencies."""
    if can_keep_sites(user, site.owning_committee):
        return True
    scope = scope_for(user)
    return any(
        scope.agency_role_in(agency, Role.OFFICER, Role.AGENCY_HEAD)
        for agency in (site.owning_agency_id, site.responsible_agency_id)
    )


def can_write_plan(user: Viewer, plan: Plan) -> bool:
    """Draft and submit versions: the standing office, or the plan's agency."""
    if can_keep_sites(user, plan.owning_committee):
        return True
    return scope_for(user).agency_role_in(plan.owning_agency_id, Role.OFFICER, Role.AGENCY_HEAD)


def can_approve(user: Viewer, plan: Plan) -> bool:
    """A leader of the plan's committee (or of one above it)."""
    return scope_for(user).committee_role_covers(plan.owning_committee.path, Role.COMMITTEE_LEADER)


def can_return(user: Viewer, plan: Plan) -> bool:
    """A leader, or the standing office that reviews the plan before it goes up."""
    return can_approve(user, plan) or can_keep_sites(user, plan.owning_committee)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- categories


@transaction.atomic(durable=True)
def add_category(committee: Committee, *, code: str, name: str, actor: Actor) -> SiteCategory:
    """A committee extends the list of site categories."""
    _require(can_keep_sites(actor, committee), _("Only the standing office may add categories."))
    if not name.strip():
        raise ValidationError({"name": _("Give the category a name.")})
    category = SiteCategory(code=code.strip(), name=name.strip(), committee=committee)
    category.full_clean()
    category.save()
    audit.record(SiteAction.CATEGORY_ADDED, actor=actor, obj=category,
                 after=audit.snapshot(category), committee_id=committee.pk)  # fmt: skip
    return category


# --- sites


def _check_site(site: KeySite) -> None:
    site.latitude = coordinate(site.latitude, LAT_MIN, LAT_MAX, "latitude", LATITUDE_MESSAGE)
    site.longitude = coordinate(site.longitude, LON_MIN, LON_MAX, "longitude", LONGITUDE_MESSAGE)
    if (site.latitude is None) != (site.longitude is None):
        raise ValidationError(
            {"longitude" if site.longitude is None else "latitude":
             PAIRED_MESSAGE}
        )  # fmt: skip
    if not site.name.strip():
        raise ValidationError({"name": _("Give the site a name.")})
    site.name = site.name.strip()
    communes = {AdminUnit.Kind.COMMUNE, AdminUnit.Kind.WARD, AdminUnit.Kind.SPECIAL_ZONE}
    if site.commune is not None and site.commune.kind not in communes:
        raise ValidationError({"commune": _("Choose a commune, ward or special zone.")})
    site.full_clean(exclude=["name_folded"])


@transaction.atomic(durable=True)
def create_site(committee: Committee, *, actor: Actor, **values: Any) -> KeySite:
    """Put a key site on the committee's list (a use case of its own)."""
    return create_site_within(committee, actor=actor, **values)


@transaction.atomic
def create_site_within(
    committee: Committee,
    *,
    name: str,
    category: SiteCategory,
    responsible_agency: Agency,
    owning_agency: Agency | None = None,
    commune: AdminUnit | None = None,
    owner_name: str = "",
    address: str = "",
    latitude: Any = None,
    longitude: Any = None,
    criticality: int = 3,
    notes: str = "",
    classification: int = 0,
    shared_agencies: Iterable[Agency] = (),
    actor: Actor,
) -> KeySite:
    """``create_site`` inside the caller's transaction: the bulk import writes every
    row in one transaction, each in a savepoint."""
    _require(can_keep_sites(actor, committee), _("Only the standing office may add key sites."))
    agency_id = owning_agency.pk if owning_agency else committee.standing_agency_id
    if agency_id is None:
        raise ValidationError(_("The committee has no standing agency to keep the site."))
    check_clearance(actor, classification)
    site = KeySite(
        owning_committee=committee, owning_agency_id=agency_id, name=name, category=category,
        responsible_agency=responsible_agency, commune=commune, owner_name=owner_name.strip(),
        address=address.strip(), latitude=latitude, longitude=longitude,
        criticality=criticality, notes=notes, classification=classification,
        created_at=clock.now(),
    )  # fmt: skip
    _check_site(site)
    site.save()
    shared = list(shared_agencies)
    site.shared_agencies.set(shared)
    audit.record(SiteAction.SITE_CREATED, actor=actor, obj=site,
                 after={**audit.snapshot(site), "shared_agencies": [a.pk for a in shared]})  # fmt: skip
    return site


@transaction.atomic(durable=True)
def update_site(site: KeySite, *, actor: Actor, **changes: Any) -> KeySite:
    """Change what is known of a site; a plan's classification never drops below it."""
    _require(can_change_site(actor, site), _("You may not change this site."))
    unknown = set(changes) - set(SITE_FIELDS)
    if unknown:
        raise ValueError(f"not a site field: {sorted(unknown)}")
    site = KeySite.objects.select_for_update().get(pk=site.pk)
    if "classification" in changes:
        level = int(changes["classification"])
        if level != site.classification and not can_keep_sites(actor, site.owning_committee):
            raise ValidationError(
                {
                    "classification": _(
                        "Only the standing office may change a site's classification."
                    )
                }
            )
        check_clearance(actor, level)
    before = audit.snapshot(site)
    for name, value in changes.items():
        setattr(site, name, value)
    _check_site(site)
    above = site.plans.filter(classification__lt=site.classification)
    if above.exists():
        raise ValidationError(
            {"classification": _("A plan of this site is classified lower: raise it first.")}
        )
    site.save()
    # The event is read at the higher of the two levels: a declassified site's event
    # keeps what it was.
    audit.record(SiteAction.SITE_UPDATED, actor=actor, obj=site, before=before,
                 after=audit.snapshot(site),
                 classification=max(int(before["classification"]), site.classification))  # fmt: skip
    return site


@transaction.atomic(durable=True)
def archive_site(site: KeySite, *, actor: Actor) -> KeySite:
    """Take a site off the lists; it and its plans stay (a site is never deleted)."""
    _require(can_keep_sites(actor, site.owning_committee), _("You may not archive this site."))
    if site.archived:
        raise ValidationError(_("The site is already archived."))
    site.archived = True
    site.save(update_fields=["archived"])
    audit.record(SiteAction.SITE_ARCHIVED, actor=actor, obj=site,
                 before={"archived": False}, after={"archived": True})  # fmt: skip
    return site


# --- plans


def _clean_scenarios(scenarios: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(scenarios))
    for value in chosen:
        if value not in ScenarioType.values:
            raise ValidationError(
                {"scenario_types": _("Unknown scenario type: %(value)s.") % {"value": value}}
            )
    return chosen


@transaction.atomic(durable=True)
def create_plan(
    committee: Committee,
    *,
    code_name: str,
    sites: Iterable[KeySite],
    scenario_types: Iterable[str] = (),
    title: str = "",
    classification: int = 0,
    owning_agency: Agency | None = None,
    shared_agencies: Iterable[Agency] = (),
    actor: Actor,
) -> Plan:
    """A contingency plan for one or more of the committee's sites; no version yet."""
    _require(can_keep_sites(actor, committee), _("Only the standing office may open plans."))
    sites = list(sites)
    if not sites:
        raise ValidationError({"sites": _("A plan covers at least one site.")})
    for site in sites:
        if not site.owning_committee.path.startswith(committee.path):
            raise ValidationError(
                {"sites": _("%(site)s is not a site of this committee.") % {"site": site}}
            )
    if classification < max(s.classification for s in sites):
        raise ValidationError(
            {"classification": _("A plan is at least as classified as each of its sites.")}
        )
    check_clearance(actor, classification)
    if not code_name.strip():
        raise ValidationError({"code_name": _("Give the plan a code name.")})
    # The agency responsible for the (first) site keeps its plan and drafts its versions.
    agency_id = owning_agency.pk if owning_agency else sites[0].responsible_agency_id
    plan = Plan(
        owning_committee=committee, owning_agency_id=agency_id, code_name=code_name.strip(),
        title=title.strip(), scenario_types=_clean_scenarios(scenario_types),
        classification=classification, created_at=clock.now(),
    )  # fmt: skip
    plan.full_clean(exclude=["in_force"])
    plan.save()
    plan.sites.set(sites)
    shared = list(shared_agencies)
    plan.shared_agencies.set(shared)
    audit.record(SiteAction.PLAN_CREATED, actor=actor, obj=plan,
                 after={**audit.snapshot(plan), "sites": [s.pk for s in sites],
                        "shared_agencies": [a.pk for a in shared]})  # fmt: skip
    return plan


@transaction.atomic
def require_revision(plan: Plan, *, reason: str, actor: Actor) -> Plan:
    """A drill finding or an incident says the plan must be revised; the next approved
    version clears it. Not durable: the exercises and situation apps call it inside
    their own writes."""
    _require(can_return(actor, plan), _("You may not ask for a revision of this plan."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the plan must be revised.")})
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    plan.revision_required, plan.revision_reason = True, reason.strip()
    plan.save(update_fields=["revision_required", "revision_reason"])
    audit.record(SiteAction.REVISION_REQUIRED, actor=actor, obj=plan,
                 after={"revision_required": True, "reason": plan.revision_reason})  # fmt: skip
    return plan


def mark_exercised(plan: Plan, *, on: dt.date, actor: Actor) -> Plan:
    """An exercise of the plan was conducted ``on`` that day: the plan counts as
    exercised for the 12 months after it. Joins the caller's transaction (the
    exercises app calls it as it records the exercise conducted); an earlier day
    than the one kept changes nothing."""
    if on > clock.today():
        raise ValidationError(_("A plan cannot be exercised on a day still to come."))
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.last_exercised_on is not None and plan.last_exercised_on >= on:
        return plan
    before = plan.last_exercised_on
    plan.last_exercised_on = on
    plan.save(update_fields=["last_exercised_on"])
    audit.record(SiteAction.PLAN_EXERCISED, actor=actor, obj=plan,
                 before={"last_exercised_on": before}, after={"last_exercised_on": on})  # fmt: skip
    return plan


def _sections(values: Mapping[str, str]) -> dict[str, str]:
    unknown = set(values) - set(SECTION_NAMES)
    if unknown:
        raise ValidationError(_("Unknown plan sections: %(names)s.") % {"names": sorted(unknown)})
    return {name: str(values.get(name, "")).strip() for name in SECTION_NAMES}


def _locked_version(version: PlanVersion) -> PlanVersion:
    # The plan first, then the version: every write of a plan's versions locks in that order.
    Plan.objects.select_for_update().filter(pk=version.plan_id).first()
    return PlanVersion.objects.select_related("plan").select_for_update().get(pk=version.pk)


@transaction.atomic(durable=True)
def add_version(
    plan: Plan, *, sections: Mapping[str, str] | None = None, actor: Actor
) -> PlanVersion:
    """A new draft; without sections it starts from the latest version's text."""
    _require(can_write_plan(actor, plan), _("You may not write this plan."))
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    if plan.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.SUBMITTED]).exists():
        raise ValidationError(_("The plan already has a version in preparation: finish it first."))
    latest = plan.versions.order_by("-number").first()
    if sections is None:
        text = {name: getattr(latest, name) for name in SECTION_NAMES} if latest else {}
    else:
        text = _sections(sections)
    version = PlanVersion.objects.create(
        plan=plan, number=(latest.number if latest else 0) + 1, status=VersionStatus.DRAFT,
        author=audit.acting_user(actor),
        author_label=audit.actor_label(actor), created_at=clock.now(), **text,
    )  # fmt: skip
    audit.record(SiteAction.VERSION_ADDED, actor=actor, obj=version,
                 after=audit.snapshot(version, ["plan_id", "number", "status"]))  # fmt: skip
    return version


@transaction.atomic(durable=True)
def update_version(
    version: PlanVersion, *, sections: Mapping[str, str], actor: Actor
) -> PlanVersion:
    """Change a draft's text; a submitted version is never edited."""
    version = _locked_version(version)
    _require(can_write_plan(actor, version.plan), _("You may not write this plan."))
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be changed; add a new version instead."))
    before = audit.snapshot(version, SECTION_NAMES)
    for name, value in _sections(sections).items():
        setattr(version, name, value)
    version.edited_by = audit.acting_user(actor)
    version.save(update_fields=[*SECTION_NAMES, "edited_by"])
    audit.record(SiteAction.VERSION_UPDATED, actor=actor, obj=version, before=before,
                 after=audit.snapshot(version, SECTION_NAMES))  # fmt: skip
    return version


@transaction.atomic(durable=True)
def submit_version(version: PlanVersion, *, actor: Actor) -> PlanVersion:
    """The draft goes to the leader for approval; from now on it is never edited."""
    version = _locked_version(version)
    _require(can_write_plan(actor, version.plan), _("You may not submit this plan."))
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    if not version.situation.strip():
        raise ValidationError({"situation": _("Write at least the situation and scenario.")})
    version.status, version.submitted_at = VersionStatus.SUBMITTED, clock.now()
    version.submitted_by = audit.acting_user(actor)
    version.save(update_fields=["status", "submitted_at", "submitted_by"])
    audit.record(SiteAction.VERSION_SUBMITTED, actor=actor, obj=version,
                 before={"status": VersionStatus.DRAFT}, after={"status": version.status})  # fmt: skip
    return version


@transaction.atomic(durable=True)
def approve_version(
    version: PlanVersion,
    *,
    decision_number: str,
    approved_on: dt.date | None = None,
    actor: Actor,
) -> PlanVersion:
    """A leader approves a submitted version with a decision number: it is in force,
    the one before it is superseded, and the next review falls one cycle later."""
    version = _locked_version(version)
    plan = version.plan
    _require(can_approve(actor, plan), _("Only a leader of the committee approves plans."))
    if version.status == VersionStatus.APPROVED:
        raise ValidationError(_("This version is already approved."))
    if version.status != VersionStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted version can be approved."))
    if version.author_id is not None and version.author_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("The author of a version cannot approve it."))
    # Two people: whoever wrote, last changed or submitted the version does not approve it.
    hands = {version.submitted_by_id, version.edited_by_id} - {None}
    if audit.acting_user_id(actor) in hands:
        raise PermissionDenied(
            _("Whoever edited or submitted a version cannot approve it: another leader does.")
        )
    if not decision_number.strip():
        raise ValidationError({"decision_number": _("Give the number of the approval decision.")})
    day = approved_on or clock.today()
    if day > clock.today():
        raise ValidationError({"approved_on": _("The approval date cannot be in the future.")})
    previous = plan.in_force
    if previous is not None:
        PlanVersion.objects.filter(pk=previous.pk).update(status=VersionStatus.SUPERSEDED)
    version.status, version.decision_number, version.approved_on = (
        VersionStatus.APPROVED, decision_number.strip()[:60], day,
    )  # fmt: skip
    version.approved_by = audit.acting_user(actor)
    version.approved_by_label = audit.actor_label(actor)
    version.save(update_fields=["status", "decision_number", "approved_on", "approved_by",
                                "approved_by_label"])  # fmt: skip
    plan.in_force = version
    plan.next_review_on = add_months(day, review_cycle_months(plan.owning_committee_id))
    plan.revision_required, plan.revision_reason = False, ""
    plan.save(update_fields=["in_force", "next_review_on", "revision_required", "revision_reason"])
    close_case(plan, kind=CaseKind.PLAN_REVIEW, note=_("A new version was approved."))
    audit.record(
        SiteAction.VERSION_APPROVED, actor=actor, obj=version,
        before={"status": VersionStatus.SUBMITTED,
                "superseded": previous.pk if previous else None},
        after={"status": version.status, "decision_number": version.decision_number,
               "approved_on": day, "next_review_on": plan.next_review_on},
    )  # fmt: skip
    return version


@transaction.atomic(durable=True)
def return_version(version: PlanVersion, *, comments: str, actor: Actor) -> PlanVersion:
    """Send a submitted version back with comments; the author drafts the next one."""
    version = _locked_version(version)
    _require(can_return(actor, version.plan), _("You may not return this plan."))
    if version.status != VersionStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted version can be returned."))
    if not comments.strip():
        raise ValidationError({"comments": _("Say what must change.")})
    version.status, version.comments, version.returned_at = (
        VersionStatus.RETURNED, comments.strip(), clock.now(),
    )  # fmt: skip
    version.save(update_fields=["status", "comments", "returned_at"])
    audit.record(SiteAction.VERSION_RETURNED, actor=actor, obj=version,
                 before={"status": VersionStatus.SUBMITTED},
                 after={"status": version.status, "comments": version.comments})  # fmt: skip
    return version


@transaction.atomic(durable=True)
def set_review_cycle(committee: Committee, *, months: int, actor: Actor) -> PlanReviewSetting:
    """The committee's review cycle; the next review of its plans in force moves with it."""
    _require(can_keep_sites(actor, committee), _("Only the standing office sets the cycle."))
    if not 1 <= months <= 60:
        raise ValidationError({"review_cycle_months": CYCLE_MESSAGE})
    setting, _created = PlanReviewSetting.objects.select_for_update().get_or_create(
        committee=committee, defaults={"review_cycle_months": months}
    )
    before = setting.review_cycle_months if not _created else None
    setting.review_cycle_months = months
    setting.full_clean()
    setting.save()
    plans = Plan.objects.filter(owning_committee=committee, in_force__isnull=False)
    for plan in plans.select_related("in_force").select_for_update(of=("self",)):
        assert plan.in_force is not None and plan.in_force.approved_on is not None
        plan.next_review_on = add_months(plan.in_force.approved_on, months)
        plan.save(update_fields=["next_review_on"])
    audit.record(SiteAction.REVIEW_CYCLE_SET, actor=actor, obj=setting,
                 before={"review_cycle_months": before},
                 after={"review_cycle_months": months}, committee_id=committee.pk)  # fmt: skip
    return setting


# --- risk


@transaction.atomic(durable=True)
def record_assessment(
    site: KeySite,
    *,
    threat: int,
    vulnerability: int,
    consequence: int,
    threat_rationale: str,
    vulnerability_rationale: str,
    consequence_rationale: str,
    assessor_agency: Agency,
    assessed_on: dt.date | None = None,
    actor: Actor,
) -> RiskAssessment:
    """One assessment of a site; earlier ones stay as its history."""
    _require(can_change_site(actor, site), _("You may not assess this site."))
    for name, value in (("threat", threat), ("vulnerability", vulnerability),
                        ("consequence", consequence)):  # fmt: skip
        if not 1 <= value <= 5:
            raise ValidationError({name: _("A number from 1 to 5.")})
    day = assessed_on or clock.today()
    if day > clock.today():
        raise ValidationError({"assessed_on": _("The assessment date cannot be in the future.")})
    assessment = RiskAssessment(
        site=site, threat=threat, vulnerability=vulnerability, consequence=consequence,
        threat_rationale=threat_rationale.strip(),
        vulnerability_rationale=vulnerability_rationale.strip(),
        consequence_rationale=consequence_rationale.strip(),
        risk=threat * vulnerability * consequence, assessor_agency=assessor_agency,
        assessed_on=day, author_label=audit.actor_label(actor), created_at=clock.now(),
    )  # fmt: skip
    assessment.full_clean()
    assessment.save()
    audit.record(SiteAction.ASSESSMENT_RECORDED, actor=actor, obj=assessment,
                 after=audit.snapshot(assessment))  # fmt: skip
    return assessment
