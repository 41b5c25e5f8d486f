"""Each document type the committee issues, laid out by its own rules (Decree 30,
Appendix I and III): one generated document of every type passes the checker,
and what a clerk reads (Kính gửi, Nơi nhận, the number, the articles) is right."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from docx import Document

from tests.work.helpers import SEED, agency, head, holder, province
from vigil.core.documents.check import check_docx
from vigil.core.documents.decree30 import build_docx
from vigil.core.numbering import DocType
from vigil.org.models import Agency, Post
from vigil.work.documents import services as document_services
from vigil.work.documents.docx import official_document
from vigil.work.models import IssuedDocument, SigningForm
from vigil.work.services import PointSpec

pytestmark = pytest.mark.django_db

PLAN_BODY = "I. MỤC ĐÍCH, YÊU CẦU\nBảo đảm an ninh, an toàn.\nII. NỘI DUNG\n[points]"
DECISION_BODY = (
    "Điều 1. Ban hành Quy chế hoạt động của Ban Chỉ đạo.\n"
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
    "Điều 3. Các thành viên Ban Chỉ đạo và các cơ quan có liên quan chịu trách nhiệm "
    "thi hành Quyết định này./."
)
DIRECTIVE_BODY = (
    "Để chủ động phòng ngừa, Trưởng Ban Chỉ đạo yêu cầu các cơ quan thực hiện:\n"
    "Yêu cầu các cơ quan nghiêm túc thực hiện Chỉ thị này./."
)
LETTER_BODY = "Ban Chỉ đạo đề nghị Sở Công Thương báo cáo số lượng tồn kho."
# What each type needs beyond the common fields.
EXTRA: dict[str, dict[str, Any]] = {
    DocType.CONG_VAN: {"body": LETTER_BODY, "addressees_other": "Sở Công Thương"},
    DocType.BAO_CAO: {"body": "I. KẾT QUẢ\nKhông xảy ra vụ việc khủng bố.",
                      "addressees_other": "Ủy ban nhân dân tỉnh Quảng Ninh"},
    DocType.QUYET_DINH: {
        "body": DECISION_BODY,
        "legal_bases": "Căn cứ Luật Phòng, chống khủng bố ngày 12 tháng 6 năm 2013\n"
                       "Căn cứ Nghị định số 07/2014/NĐ-CP",
    },
    DocType.CHI_THI: {"body": DIRECTIVE_BODY},
    DocType.KE_HOACH: {"body": PLAN_BODY},
    DocType.PHUONG_AN: {"body": PLAN_BODY},
    DocType.CONG_DIEN: {"body": "Yêu cầu triển khai ngay lực lượng.",
                        "addressees_other": "Công an tỉnh\nBộ Chỉ huy Quân sự tỉnh"},
}  # fmt: skip


def issue(doc_type: str, **changes: Any) -> IssuedDocument:
    p = province()
    values: dict[str, Any] = {
        "subject": "Công tác phòng, chống khủng bố",
        "body": "Nội dung thông báo.",
        "drafting_unit": "VPTT",
        "points": [PointSpec(text="Rà soát mục tiêu trọng điểm.", lead=[agency("dit")],
                             deadline=dt.date(2026, 12, 20))],
        **EXTRA.get(doc_type, {}),
        **changes,
    }  # fmt: skip
    return document_services.issue_document(
        p, doc_type=doc_type, issue_date=dt.date(2026, 11, 20), signing_post=head(p),
        signer=holder(p, Post.Kind.STANDING_DEPUTY), signing_form=SigningForm.KT,
        actor=SEED, **values,
    )  # fmt: skip


def paragraphs(data: bytes) -> list[str]:
    """Every paragraph of the document, the tables' cells included, in order."""
    document = Document(io.BytesIO(data))
    body = document.element.body
    texts = []
    for p in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
        texts.append("".join(t.text or "" for t in p.iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")))  # fmt: skip
    return [t for t in texts if t.strip()]


@pytest.mark.parametrize("doc_type", list(DocType.values))
def test_one_document_of_every_type_passes_the_checker(doc_type: str) -> None:
    data = build_docx(official_document(issue(doc_type)))
    assert check_docx(data) == []
    lines = paragraphs(data)
    assert not [line for line in lines if line.startswith("- -")]
    assert "- Lưu: VT, VPTT." in lines


def test_a_cong_van_has_kinh_gui_v_v_and_its_drafting_unit_in_the_number() -> None:
    document = issue(DocType.CONG_VAN, addressees=[agency("dit")], addressees_other="")
    assert document.symbol.endswith("/BCĐ-VPTT")
    lines = paragraphs(build_docx(official_document(document)))
    assert f"Số: {document.symbol}" in lines
    assert "V/v Công tác phòng, chống khủng bố" in lines
    assert "Kính gửi: Sở Công Thương." in lines
    # "Như trên" refers to the Kính gửi; the addressee is not listed twice.
    signature = lines[lines.index("Nơi nhận:") :]
    assert signature[1:3] == ["- Như trên;", "- Lưu: VT, VPTT."]


def test_a_report_to_the_peoples_committee_says_kinh_gui() -> None:
    ubnd = Agency.objects.get(name="Ủy ban nhân dân tỉnh Quảng Ninh")
    document = issue(DocType.BAO_CAO, addressees=[ubnd], addressees_other="")
    lines = paragraphs(build_docx(official_document(document)))
    assert "Kính gửi: Ủy ban nhân dân tỉnh Quảng Ninh." in lines
    assert "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH" in lines  # the parent body, in full


def test_as_above_only_when_there_is_a_kinh_gui() -> None:
    lines = paragraphs(build_docx(official_document(issue(DocType.KE_HOACH))))
    assert "- Như trên;" not in lines
    assert "- Sở Công Thương;" in lines  # the point's agency, one dash


def test_a_decision_has_its_authority_bases_verb_articles_and_as_article_3() -> None:
    data = build_docx(official_document(issue(DocType.QUYET_DINH)))
    lines = paragraphs(data)
    authority = "TRƯỞNG BAN CHỈ ĐẠO PHÒNG, CHỐNG KHỦNG BỐ TỈNH QUẢNG NINH"
    at = lines.index(authority)
    assert lines[at + 1] == "Căn cứ Luật Phòng, chống khủng bố ngày 12 tháng 6 năm 2013;"
    assert lines[at + 2] == "Căn cứ Nghị định số 07/2014/NĐ-CP."
    assert lines[at + 3] == "QUYẾT ĐỊNH:"
    assert lines[at + 4].startswith("Điều 1. Ban hành")
    assert "- Như Điều 3;" in lines
    article = next(p for p in Document(io.BytesIO(data)).paragraphs if p.text.startswith("Điều 1"))
    assert article.runs[0].text == "Điều 1." and article.runs[0].bold
    assert not article.runs[1].bold


def test_a_directives_points_stand_where_its_text_leads_into_them() -> None:
    lines = paragraphs(build_docx(official_document(issue(DocType.CHI_THI))))
    lead = next(i for i, line in enumerate(lines) if line.endswith("thực hiện:"))
    assert lines[lead + 1] == "1. Rà soát mục tiêu trọng điểm."
    assert lines[lead + 2].startswith("Yêu cầu các cơ quan nghiêm túc")
    assert lines.count("1. Rà soát mục tiêu trọng điểm.") == 1


def test_body_headings_are_bold_capitals() -> None:
    data = build_docx(official_document(issue(DocType.KE_HOACH)))
    heading = next(
        p for p in Document(io.BytesIO(data)).paragraphs if p.text == "I. MỤC ĐÍCH, YÊU CẦU"
    )
    assert all(run.bold for run in heading.runs)
    lines = paragraphs(data)
    assert lines.index("1. Rà soát mục tiêu trọng điểm.") == lines.index("II. NỘI DUNG") + 1


def test_a_telegram_names_its_sender_before_the_recipients() -> None:
    lines = paragraphs(build_docx(official_document(issue(DocType.CONG_DIEN))))
    sender = lines.index("TRƯỞNG BAN CHỈ ĐẠO PHÒNG, CHỐNG KHỦNG BỐ TỈNH QUẢNG NINH điện:")
    assert lines[sender + 1 : sender + 3] == ["- Công an tỉnh;", "- Bộ Chỉ huy Quân sự tỉnh."]


@pytest.mark.parametrize(
    ("doc_type", "changes", "field"),
    [
        (DocType.CONG_VAN, {"addressees_other": ""}, "addressees"),
        (DocType.CONG_VAN, {"drafting_unit": ""}, "drafting_unit"),
        (DocType.KE_HOACH, {"drafting_unit": "vp tt"}, "drafting_unit"),
        (DocType.QUYET_DINH, {"legal_bases": ""}, "legal_bases"),
        (DocType.QUYET_DINH, {"body": "Ban hành quy chế."}, "body"),
    ],
)
def test_it_refuses_a_document_missing_what_its_type_needs(
    doc_type: str, changes: dict[str, Any], field: str
) -> None:
    before = IssuedDocument.objects.count()
    with pytest.raises(ValidationError) as refused:
        issue(doc_type, **changes)
    assert field in refused.value.message_dict
    assert IssuedDocument.objects.count() == before


def test_the_page_shows_the_signature_as_printed(
    client_for: Callable[[str], Client], persona: Callable[[str], Any]
) -> None:
    p = province()
    document = document_services.issue_document(
        p, doc_type=DocType.THONG_BAO, subject="Kết luận", issue_date=dt.date(2026, 11, 20),
        signing_post=head(p), signer=holder(p, Post.Kind.HEAD), signing_form=SigningForm.TM,
        drafting_unit="VPTT", actor=persona("thuongtruc"),
    )  # fmt: skip
    page = client_for("thuongtruc").get(document.get_absolute_url()).content.decode()
    assert "TM. BAN CHỈ ĐẠO<br>TRƯỞNG BAN<br>CHỦ TỊCH UBND TỈNH<br>Nguyễn Văn Hùng" in page
    assert "TM. Trưởng ban" not in page


def test_the_form_issues_a_letter_with_recipients_from_the_directory_and_free_text(
    client_for: Callable[[str], Client],
) -> None:
    p = province()
    response = client_for("thuongtruc").post(
        reverse("work:document_create", args=[p.pk]),
        {
            "doc_type": DocType.CONG_VAN, "issue_date": "2026-11-20", "subject": "Báo cáo tồn kho",
            "drafting_unit": "VPTT", "addressees": [agency("dit").pk],
            "addressees_other": "", "recipients": [agency("border").pk],
            "recipients_other": "Văn phòng TT BCĐ PCKB quốc gia (để b/c)",
            "body": LETTER_BODY, "signing_post": head(p).pk,
            "signer": holder(p, Post.Kind.STANDING_DEPUTY).pk, "signing_form": "KT.",
            "classification": 0, "urgency": "",
            "points-TOTAL_FORMS": 0, "points-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    document = IssuedDocument.objects.get(subject="Báo cáo tồn kho")
    assert document.symbol.endswith("/BCĐ-VPTT")
    lines = paragraphs(build_docx(official_document(document)))
    assert "Kính gửi: Sở Công Thương." in lines
    at = lines.index("Nơi nhận:")
    assert lines[at + 1 : at + 5] == [
        "- Như trên;", "- Bộ Chỉ huy Bộ đội Biên phòng tỉnh;",
        "- Văn phòng TT BCĐ PCKB quốc gia (để b/c);", "- Lưu: VT, VPTT.",
    ]  # fmt: skip
