"""The flash report (*báo cáo nhanh*) on an incident: one action drafts and issues it.

``issue_flash_report`` takes a number from the owning committee's register (BC),
freezes what the report says in ``FlashReport.content`` (what, where, when,
forces, measures, counts; the header, the addressees and the signature), and
notifies the committee above. The .docx and the edXML package are built from that
frozen content (``documents.py``), so what is printed later is what was sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.core.numbering import DocType
from vigil.inbox.services import CommitteeRole, notify
from vigil.org.letterhead import parent_body, place_of, standing_deputy
from vigil.org.models import Agency, Committee
from vigil.org.registers.services import issue_number
from vigil.org.scope import Role, Viewer
from vigil.situation.flash import documents
from vigil.situation.incidents.models import (
    FlashReport,
    Incident,
    IncidentState,
    IncidentType,
    UrgencyMark,
)
from vigil.situation.models import SituationAction
from vigil.situation.services import handles_situation

# The states a flash report may be issued from: verified or later, not a false alarm.
REPORTABLE = (
    IncidentState.VERIFIED,
    IncidentState.RESPONDING,
    IncidentState.CONTAINED,
    IncidentState.CLOSED,
)
# The marks a flash report may carry (Khẩn is not fast enough for one).
MARKS = (UrgencyMark.HOA_TOC, UrgencyMark.THUONG_KHAN)
MARK_PRINTED = {
    UrgencyMark.HOA_TOC: "HỎA TỐC",
    UrgencyMark.THUONG_KHAN: "THƯỢNG KHẨN",
    UrgencyMark.KHAN: "KHẨN",
}
# The signing forms offered: in one's own name, for the committee, for the head.
SIGNING_FORMS = {"": "", "TM.": "BAN CHỈ ĐẠO", "KT.": "TRƯỞNG BAN"}
SIGNING_FORM_CHOICES = tuple(SIGNING_FORMS)
TYPE_NAME = "Báo cáo"
MAX_RECIPIENTS = 30


def may_issue(user: Viewer, incident: Incident) -> bool:
    """The standing office or a leader of the incident's committee or one above it."""
    return handles_situation(user, incident.owning_committee)


def offers_flash_report(user: Viewer, incident: Incident) -> bool:
    """Whether the incident's page offers "Flash report" to this user: may issue, and
    the incident is verified or later (not a false alarm)."""
    return incident.state in REPORTABLE and may_issue(user, incident)


def _province_of(committee: Committee) -> Committee | None:
    node: Committee | None = committee
    while node is not None:
        if node.level == Committee.Level.PROVINCE:
            return node
        node = node.parent
    return None


def default_recipients(incident: Incident) -> list[dict[str, str]]:
    """The committee above, then the provincial People's Committee (name and exchange code)."""
    committee = incident.owning_committee
    found: list[dict[str, str]] = []
    if committee.parent is not None:
        parent = committee.parent
        found.append({"name": parent.name, "code": parent.electronic_code})
    province = _province_of(committee)
    if province is not None:
        ubnd = (
            Agency.objects.filter(committee=province, kind=Agency.Kind.PEOPLES_COMMITTEE)
            .order_by("pk")
            .first()
        )
        if ubnd is not None:
            found.append({"name": ubnd.name, "code": ubnd.electronic_code})
    return found


def _resolved(names: Sequence[str]) -> list[dict[str, str]]:
    """Typed names, each with the exchange code of the committee or agency of that name."""
    clean = [n.strip().strip(";.").strip() for n in names if n.strip().strip(";.").strip()]
    codes = dict(Committee.objects.filter(name__in=clean).values_list("name", "electronic_code"))
    codes.update(
        (name, code)
        for name, code in Agency.objects.filter(name__in=clean).values_list(
            "name", "electronic_code"
        )
        if code or name not in codes
    )
    return [{"name": n, "code": codes.get(n, "")} for n in clean]


def default_signer(committee: Committee) -> tuple[str, str, str]:
    """(form, title, name): the standing deputy for the head when the post is held."""
    holder = standing_deputy(committee)
    if holder is None:
        return "TM.", "Trưởng ban", ""
    return "KT.", holder.post.title, holder.holder_name


def _when(value: Any) -> str:
    local = timezone.localtime(value)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def where_of(incident: Incident) -> str:
    parts: list[str] = []
    if incident.site is not None:
        parts.append(incident.site.name)
    if incident.place:
        parts.append(incident.place)
    commune = incident.commune or (incident.site.commune if incident.site else None)
    if commune is not None:
        parts.append(commune.name)
    where = ", ".join(parts) or "—"
    if incident.latitude is not None and incident.longitude is not None:
        where += f" (tọa độ {incident.latitude}, {incident.longitude})"
    return where


def _type_label(incident: Incident) -> str:
    from django.utils import translation

    with translation.override("vi"):
        return str(IncidentType(incident.type).label)


def body_of(incident: Incident) -> list[list[str]]:
    """The report's parts as ``[kind, text]`` pairs (``h`` a heading, ``p`` a paragraph)."""
    involved = ", ".join(a.name for a in incident.involved_agencies.all())
    body: list[list[str]] = []
    if incident.is_exercise:
        body.append(["b", "DIỄN TẬP"])
    body += [
        ["p", f"Ban Chỉ đạo báo cáo nhanh vụ việc “{incident.title}” như sau:"],
        ["h", "I. TÌNH HÌNH VỤ VIỆC"],
        ["p", f"1. Loại vụ việc: {_type_label(incident)}."],
        ["p", f"2. Thời gian xảy ra: {_when(incident.occurred_at)}."],
        ["p", f"3. Địa điểm: {where_of(incident)}."],
        ["p", f"4. Đơn vị báo tin: {incident.reporting_agency.name}."],
    ]
    description = [line.strip() for line in incident.description.splitlines() if line.strip()]
    if description:
        body.append(["p", "5. Diễn biến:"])
        body += [["p", line] for line in description]
    body += [
        ["h", "II. THIỆT HẠI BAN ĐẦU"],
        [
            "p",
            f"Số người chết: {incident.dead}; bị thương: {incident.injured}; "
            f"sơ tán: {incident.evacuated}.",
        ],
        ["h", "III. LỰC LƯỢNG VÀ BIỆN PHÁP ĐÃ TRIỂN KHAI"],
    ]
    if involved:
        body.append(["p", f"Các cơ quan tham gia: {involved}."])
    forces = [line.strip() for line in incident.forces.splitlines() if line.strip()]
    measures = [line.strip() for line in incident.measures.splitlines() if line.strip()]
    body.append(["p", "1. Lực lượng: " + ("; ".join(forces) if forces else "chưa có") + "."])
    body.append(["p", "2. Biện pháp: " + ("; ".join(measures) if measures else "chưa có") + "."])
    body += [
        ["h", "IV. ĐỀ XUẤT, KIẾN NGHỊ"],
        [
            "p",
            "Ban Chỉ đạo tiếp tục theo dõi, chỉ đạo xử lý và báo cáo kịp thời diễn biến tiếp theo.",
        ],
    ]
    return body


def _refuse(
    incident: Incident, urgency_mark: str, signer_title: str, signer_name: str, signing_form: str
) -> None:
    if incident.state not in REPORTABLE:
        raise ValidationError(
            _("A flash report is issued only on a verified incident (not a false alarm); "
              "this incident is “%(state)s”.") % {"state": incident.get_state_display()}
        )  # fmt: skip
    if urgency_mark not in MARKS:
        raise ValidationError(
            {"urgency_mark": _("Choose the urgency mark: Hỏa tốc or Thượng khẩn.")}
        )
    if not signer_title.strip():
        raise ValidationError({"signer_title": _("Give the signer's title.")})
    if not signer_name.strip():
        raise ValidationError({"signer_name": _("Give the signer's name.")})
    if signing_form not in SIGNING_FORMS:
        raise ValidationError({"signing_form": _("Unknown signing form.")})


def issue_flash_report_within(
    incident: Incident,
    *,
    actor: Actor,
    urgency_mark: str,
    signer_title: str,
    signer_name: str,
    recipients: Sequence[str] | None = None,
    signing_form: str = "",
) -> FlashReport:
    """``issue_flash_report`` in the caller's transaction."""
    if not may_issue(actor, incident):
        raise PermissionDenied(
            _("Only the standing office or the leaders of the incident's committee (or one "
              "above it) issue its flash report.")
        )  # fmt: skip
    _refuse(incident, urgency_mark, signer_title, signer_name, signing_form)
    addressed = default_recipients(incident) if recipients is None else _resolved(recipients)
    if not addressed:
        raise ValidationError({"recipients": _("Name at least one recipient.")})
    if len(addressed) > MAX_RECIPIENTS:
        raise ValidationError({"recipients": _("Too many recipients.")})
    committee = incident.owning_committee
    now = clock.now()
    issued = issue_number(committee, DocType.BAO_CAO, actor=actor, about=incident)
    subject = f"Báo cáo nhanh vụ việc {incident.title}"
    if incident.is_exercise:
        subject = f"(DIỄN TẬP) {subject}"
    content: dict[str, Any] = {
        "issuing_body": committee.name.upper(),
        "parent_body": parent_body(committee),
        "issuer": committee.name,
        "issuer_code": committee.electronic_code
        or (committee.standing_agency.electronic_code if committee.standing_agency else ""),
        "doc_type": TYPE_NAME,
        "subject": subject[:500],
        "date": clock.today().isoformat(),
        "place": place_of(committee),
        "number": issued.symbol,
        "urgency": MARK_PRINTED[UrgencyMark(urgency_mark)],
        "classification": incident.classification,
        "is_exercise": incident.is_exercise,
        "incident": {
            "id": incident.pk,
            "title": incident.title,
            "type": incident.type,
            "state": incident.state,
            "occurred_at": timezone.localtime(incident.occurred_at).isoformat(),
            "where": where_of(incident),
            "dead": incident.dead,
            "injured": incident.injured,
            "evacuated": incident.evacuated,
        },
        "body": body_of(incident),
        "addressees": addressed,
        "recipients": ["Như trên", "Lưu: VT"],
        "signature": {
            "form": signing_form,
            "authority": SIGNING_FORMS[signing_form],
            "title": signer_title.strip().upper(),
            "name": signer_name.strip(),
        },
    }
    report = FlashReport.objects.create(
        incident=incident, number=issued, symbol=issued.symbol, urgency_mark=urgency_mark,
        classification=incident.classification, is_exercise=incident.is_exercise,
        issued_at=now, issued_by=audit.acting_user(actor), signer_title=signer_title.strip(),
        signer_name=signer_name.strip(), recipients=addressed, content=content,
    )  # fmt: skip
    if committee.parent is not None:
        notify(
            [CommitteeRole(committee.parent, Role.STANDING_OFFICE),
             CommitteeRole(committee.parent, Role.COMMITTEE_LEADER)],
            _("Flash report %(symbol)s: %(title)s") % {"symbol": report.symbol,
                                                       "title": incident.title},
            about=incident, url=report_url(report),
            classification=report.classification, committee=committee.parent,
        )  # fmt: skip
    audit.record(
        SituationAction.FLASH_REPORT_ISSUED, actor=actor, obj=report,
        committee_id=committee.pk,
        after={"incident": incident.pk, "symbol": report.symbol, "urgency": urgency_mark,
               "recipients": [r["name"] for r in addressed], "is_exercise": report.is_exercise},
    )  # fmt: skip
    return report


issue_flash_report = transaction.atomic(durable=True)(issue_flash_report_within)


def export_edxml(report: FlashReport, *, actor: Actor) -> bytes:
    """The report as an edXML package; refused (``ClassifiedExportRefused``) when classified."""
    data = documents.edxml_package(report)
    with transaction.atomic(durable=True):
        audit.record(
            SituationAction.FLASH_REPORT_EXPORTED, actor=actor, obj=report,
            committee_id=report.incident.owning_committee_id,
            after={"format": "edxml", "bytes": len(data)},
        )  # fmt: skip
    return data


def report_url(report: FlashReport) -> str:
    return reverse("situation:flash_report_detail", kwargs={"pk": report.pk})
