"""A commendation's decision as a Decree 30 *quyết định* (QĐ), in Vietnamese whatever
the reader's language: the authority, its legal bases ("Căn cứ …;"), "QUYẾT ĐỊNH:",
then the articles: Điều 1 awards the form to the recipient for the achievement,
Điều 2 the effect, Điều 3 who executes it; "Nơi nhận" starts "Như Điều 3".

Before the decision is recorded the document is a draft (no number, "DỰ THẢO" date
of today), which the standing office sends to the granting authority with the
proposal; once decided, it carries the decision's number and date."""

from __future__ import annotations

from vigil.core import clock
from vigil.core.classification import STAMPS, Classification
from vigil.core.documents.decree30 import (
    Block,
    OfficialDocument,
    Paragraph,
    Signature,
    build_docx,
)
from vigil.org.letterhead import place_of
from vigil.org.models import Committee, Period, Post, PostHolder
from vigil.reports.commendations.models import (
    Authority,
    Commendation,
    CommendationForm,
    RecipientKind,
)

LAW = "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022"
DECREE = ("Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy "
          "định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng")  # fmt: skip
FORM_WORDS = {CommendationForm.BANG_KHEN: "Bằng khen", CommendationForm.GIAY_KHEN: "Giấy khen"}


def _province(committee: Committee) -> Committee:
    while committee.level == Committee.Level.COMMUNE and committee.parent is not None:
        committee = committee.parent
    return committee


UNIT_WORDS = {"province": "tỉnh", "municipality": "thành phố", "ward": "phường",
              "commune": "xã", "special_zone": "đặc khu"}  # fmt: skip


def _unit_name(committee: Committee) -> str:
    """ "tỉnh Quảng Ninh", "đặc khu Vân Đồn": the committee's administrative unit."""
    unit = committee.admin_unit
    if unit is None:
        return ""
    word = UNIT_WORDS.get(unit.kind, "")
    name = unit.name
    if word and name.lower().startswith(word):
        return name[:1].lower() + name[1:]
    return f"{word} {name}".strip()


def issuer(c: Commendation) -> tuple[str, str, str, str]:
    """(issuing body, parent body, authority line, symbol) of the granting authority."""
    committee = c.owning_committee
    province = _province(committee)
    where = _unit_name(province)
    if c.authority == Authority.PROVINCE_CHAIRMAN:
        body = f"ỦY BAN NHÂN DÂN {where.upper()}".strip()
        return body, "", f"CHỦ TỊCH {body}", "QĐ-UBND"
    if c.authority == Authority.MINISTER:
        return "BỘ CÔNG AN", "", "BỘ TRƯỞNG BỘ CÔNG AN", "QĐ-BCA"
    if c.authority == Authority.POLICE_DIRECTOR:
        body = f"CÔNG AN {where.upper()}".strip()
        return body, "", f"GIÁM ĐỐC {body}", "QĐ-CAT"
    if c.authority == Authority.COMMUNE_CHAIRMAN:
        local = _unit_name(committee)
        body = f"ỦY BAN NHÂN DÂN {local.upper()}".strip()
        return body, "", f"CHỦ TỊCH {body}", "QĐ-UBND"
    body = committee.name.upper()
    return body, "", f"TRƯỞNG {body}", f"QĐ-{committee.short_name}"


def recipient_words(c: Commendation) -> str:
    if c.recipient_kind == RecipientKind.INDIVIDUAL:
        return f"Ông (bà) {c.person_name}, {c.person_position}, {c.person_unit}"
    return c.recipient_label


def _holder(committee: Committee, kind: str) -> str:
    """Today's holder of the committee's post of ``kind``, by name ("" when none)."""
    holder = (
        PostHolder.objects.filter(
            Period.current_on(clock.today()), post__committee=committee, post__kind=kind
        )
        .order_by("pk")
        .first()
    )
    return holder.holder_name if holder is not None else ""


def _signature(c: Commendation) -> Signature:
    """The granting authority signs in person: the committee's head (who, in the demo
    as in most provinces, is the provincial chairman), the police director (the
    committee's standing deputy), a commune's head; the name is left to fill in where
    the directory does not hold it."""
    blank = "(Họ và tên)"
    committee = c.owning_committee
    province = _province(committee)
    if c.authority == Authority.PROVINCE_CHAIRMAN:
        return Signature(name=_holder(province, Post.Kind.HEAD) or blank, title="CHỦ TỊCH")
    if c.authority == Authority.COMMUNE_CHAIRMAN:
        return Signature(name=_holder(committee, Post.Kind.HEAD) or blank, title="CHỦ TỊCH")
    if c.authority == Authority.MINISTER:
        return Signature(name=blank, title="BỘ TRƯỞNG")
    if c.authority == Authority.POLICE_DIRECTOR:
        name = _holder(province, Post.Kind.STANDING_DEPUTY)
        return Signature(name=name or blank, title="GIÁM ĐỐC")
    return Signature(name=_holder(committee, Post.Kind.HEAD) or blank, title="TRƯỞNG BAN")


def official_document(c: Commendation) -> OfficialDocument:
    body_name, parent, authority, symbol = issuer(c)
    committee = c.owning_committee
    form = FORM_WORDS.get(CommendationForm(c.form), c.form)
    bases = [
        LAW,
        DECREE,
        f"Căn cứ Quy chế hoạt động của {committee.name}",
        f"Theo đề nghị của {committee.name}",
    ]
    whom = recipient_words(c)
    achievement = c.achievement.strip().rstrip(".")
    executes = "Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị có liên quan và " + (
        f"{c.person_unit}" if c.recipient_kind == RecipientKind.INDIVIDUAL else whom
    )
    body: list[Block] = [
        Paragraph(f"Tặng {form} cho {whom}, đã có thành tích: {achievement}.",
                  lead="Điều 1."),
        Paragraph("Quyết định này có hiệu lực kể từ ngày ký.", lead="Điều 2."),
        Paragraph(f"{executes} chịu trách nhiệm thi hành Quyết định này.", lead="Điều 3."),
    ]  # fmt: skip
    return OfficialDocument(
        issuing_body=body_name,
        parent_body=parent,
        doc_type="Quyết định",
        subject=f"Về việc tặng {form}",
        date=c.decision_date or clock.today(),
        place=place_of(committee),
        number=c.decision_number,
        symbol=symbol,
        signature=_signature(c),
        body=body,
        recipients=["Như Điều 3", "Lưu: VT, TĐKT"],
        authority=authority,
        legal_bases=bases,
        classification_stamp=STAMPS[Classification(c.classification)] if c.classification else "",
    )


def docx_bytes(c: Commendation) -> bytes:
    return build_docx(official_document(c))


def filename(c: Commendation) -> str:
    return f"quyet-dinh-khen-thuong-{c.year}-{c.pk}.docx"
