"""Issue 20 in Chromium: the standing office issues a công văn with its Kính gửi
chosen from the directory and a recipient typed in, reads the signature on the
page as it is printed, and downloads a .docx the checker passes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils.translation import gettext, override
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.core.documents.check import check_docx
from vigil.org.models import Agency, Committee, Post, PostHolder

pytestmark = pytest.mark.browser


def vi(text: str) -> str:
    with override("vi"):
        return gettext(text)


def test_a_letter_with_recipients_is_issued_and_downloads_as_a_clean_docx(
    page: Any, site: str, tmp_path: Path
) -> None:
    province = Committee.objects.get(name="Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh")
    dit = Agency.objects.get(name="Sở Công Thương")
    border = Agency.objects.get(name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh")
    deputy = PostHolder.objects.get(post__committee=province, post__kind=Post.Kind.STANDING_DEPUTY)

    sign_in(page, site, "thuongtruc")
    page.goto(f"{site}/work/documents/")
    page.get_by_role(
        "link", name=vi("Issue a document of %(name)s") % {"name": province.name}
    ).click()
    page.locator("#id_doc_type").select_option("CV")
    page.locator("#id_subject").fill("báo cáo số lượng vật liệu nổ tồn kho")
    expect(page.locator("#id_drafting_unit")).to_have_value("VPTT")
    page.locator("#id_addressees").select_option([str(dit.pk)])
    page.locator("#id_recipients").select_option([str(border.pk)])
    page.locator("#id_recipients_other").fill("Văn phòng TT BCĐ PCKB quốc gia (để b/c)")
    page.locator("#id_body").fill(
        "Để phục vụ công tác quản lý, Ban Chỉ đạo đề nghị Sở Công Thương:\n"
        "[points]\nĐề nghị Sở khẩn trương thực hiện./."
    )
    page.locator("#id_signing_post").select_option(label="Trưởng ban")
    page.locator("#id_signing_form").select_option("KT.")
    page.locator("#id_signer").select_option(str(deputy.pk))
    page.locator("#id_points-0-text").fill("Báo cáo số lượng tồn kho tại các mỏ.")
    page.locator("#id_points-0-lead").select_option([str(dit.pk)])
    page.locator("#id_points-0-deadline_working_days").fill("5")
    page.get_by_role("button", name=vi("Issue"), exact=True).click()
    expect(page.locator("h1")).to_contain_text("/BCĐ-VPTT")
    expect(page.locator("dd.signature")).to_contain_text("KT. TRƯỞNG BAN")
    expect(page.locator("dd.signature")).to_contain_text(deputy.holder_name)

    with page.expect_download() as download:
        page.get_by_role("link", name=vi("Download .docx")).click()
    target = tmp_path / "cong-van.docx"
    download.value.save_as(target)
    assert check_docx(target.read_bytes()) == []
    document = Document(str(target))
    texts = [p.text for p in document.paragraphs]
    texts += [p.text for t in document.tables for c in t._cells for p in c.paragraphs]
    assert "Kính gửi: Sở Công Thương." in texts
    assert "V/v báo cáo số lượng vật liệu nổ tồn kho" in texts
    at = texts.index("Nơi nhận:")
    assert texts[at + 1 : at + 5] == [
        "- Như trên;", "- Bộ Chỉ huy Bộ đội Biên phòng tỉnh;",
        "- Văn phòng TT BCĐ PCKB quốc gia (để b/c);", "- Lưu: VT, VPTT.",
    ]  # fmt: skip
    lead = texts.index("Để phục vụ công tác quản lý, Ban Chỉ đạo đề nghị Sở Công Thương:")
    assert texts[lead + 1] == "1. Báo cáo số lượng tồn kho tại các mỏ."
