"""Commendations through the pages, the API and the command line: the same services and
the same scope (404 for what is not yours); the decision .docx passes the Decree 30
checker."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from vigil.core.documents.check import check_docx
from vigil.org.models import Agency, Committee
from vigil.reports.commendations import demo, documents
from vigil.reports.models import Commendation, CommendationState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english() -> Any:
    with translation.override("en"):
        yield


def decided() -> Commendation:
    return Commendation.objects.get(decision_number=demo.DECISION_NUMBER)


def commune_a() -> Commendation:
    return Commendation.objects.get(recipient_committee__name__endswith="đặc khu Vân Đồn")


def test_every_demo_decision_passes_the_decree_30_checker() -> None:
    for c in Commendation.objects.all():
        data = documents.docx_bytes(c)
        assert check_docx(data) == [], c
    text = documents.official_document(decided())
    assert text.authority.startswith("TRƯỞNG BAN CHỈ ĐẠO")
    assert any("06/2022/QH15" in b for b in text.legal_bases)
    assert any("98/2023/NĐ-CP" in b for b in text.legal_bases)
    assert text.recipients[0] == "Như Điều 3"
    assert [getattr(b, "lead", "") for b in text.body] == ["Điều 1.", "Điều 2.", "Điều 3."]
    assert "Tặng Giấy khen cho Sở Công Thương" in text.body[0].text  # type: ignore[union-attr]
    bang = documents.official_document(commune_a())
    assert bang.authority == "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"


def test_the_pages_follow_the_scope(client_for: Callable[[str], Client]) -> None:
    c = commune_a()
    for who, seen in (("thuongtruc", True), ("xa_a", True), ("xa_b", False),
                      ("congthuong", False)):  # fmt: skip
        client = client_for(who)
        for name in ("commendation_detail", "commendation_docx"):
            answer = client.get(reverse(f"reports:{name}", args=[c.pk]))
            assert answer.status_code == (200 if seen else 404), (who, name)
        listed = client.get(reverse("reports:commendation_list") + "?year=2026")
        assert (c in listed.context["rows"]) is seen
    page = client_for("thuongtruc").get(reverse("reports:commendation_detail", args=[c.pk]))
    body = page.content.decode()
    assert "Tham gia diễn tập năm 2026" in body and "/review/" in body


def test_propose_and_review_through_the_pages(client_for: Callable[[str], Client]) -> None:
    client = client_for("thuongtruc")
    p = Committee.objects.get(name__endswith="tỉnh Quảng Ninh")
    border = Agency.objects.get(name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh")
    url = (
        reverse("reports:commendation_new") + f"?committee={p.pk}&year=2026&recipient=a{border.pk}"
    )
    page = client.get(url)
    assert page.status_code == 200
    assert [k for k, _label in page.context["form"].fields["evidence_kinds"].choices] == [
        "exercises", "alerts", "reports"]  # fmt: skip
    refused = client.post(url, {"kind": "yearly", "form": "giay_khen",
                                "authority": "committee_head"})  # fmt: skip
    assert refused.status_code == 400
    # In the reader's language (thuongtruc reads Vietnamese).
    assert "ít nhất một căn cứ thành tích" in refused.context["form"].errors["evidence_kinds"][0]
    count = Commendation.objects.count()
    done = client.post(url, {"kind": "yearly", "form": "giay_khen", "authority": "committee_head",
                             "evidence_kinds": ["exercises", "alerts"]})  # fmt: skip
    assert done.status_code == 302 and Commendation.objects.count() == count + 1
    c = Commendation.objects.latest("pk")
    assert client_for("congthuong").get(reverse("reports:commendation_review", args=[c.pk])
                                        ).status_code == 404  # fmt: skip
    assert client_for("lanhdao").get(reverse("reports:commendation_review", args=[c.pk])
                                     ).status_code == 403  # fmt: skip
    answer = client.post(reverse("reports:commendation_review", args=[c.pk]), {"note": "Đủ"})
    assert answer.status_code == 302
    c.refresh_from_db()
    assert c.state == CommendationState.REVIEWED


def test_the_api(api_for: Callable[..., Client]) -> None:
    api = api_for("thuongtruc", scope="write")
    border = Agency.objects.get(name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh")
    p = Committee.objects.get(name__endswith="tỉnh Quảng Ninh")
    preview = api.get(f"/api/v1/commendations/evidence/?year=2026&agency={border.pk}").json()
    assert [i["kind"] for i in preview] == ["exercises", "alerts", "reports"]
    body = {"committee": p.pk, "year": 2026, "form": "giay_khen", "authority": "committee_head",
            "recipient_agency": border.pk, "evidence_kinds": []}  # fmt: skip
    count = Commendation.objects.count()
    refused = api.post("/api/v1/commendations/", body, content_type="application/json")
    assert refused.status_code == 400 and Commendation.objects.count() == count
    body["evidence_kinds"] = ["alerts"]
    made = api.post("/api/v1/commendations/", body, content_type="application/json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    reviewed = api.post(f"/api/v1/commendations/{pk}/review/", {"note": "OK"},
                        content_type="application/json")  # fmt: skip
    assert reviewed.json()["state"] == "reviewed"
    leader = api_for("lanhdao", scope="write")
    decision = {"number": "9/QĐ-BCĐ", "on": "2026-11-24"}
    done = leader.post(f"/api/v1/commendations/{pk}/decide/", decision,
                       content_type="application/json")  # fmt: skip
    assert done.json()["state"] == "decided"
    again = leader.post(f"/api/v1/commendations/{pk}/decide/", decision,
                        content_type="application/json")  # fmt: skip
    assert again.status_code == 400
    hidden = api_for("xa_b").get(f"/api/v1/commendations/{commune_a().pk}/")
    assert hidden.status_code == 404
    listed = {r["id"] for r in api_for("xa_a").get("/api/v1/commendations/").json()["results"]}
    assert commune_a().pk in listed and decided().pk not in listed


def test_the_command_line() -> None:
    out = io.StringIO()
    call_command("reports", "commendations", "list", "--as", "xa_a", "--year", "2026", stdout=out)
    assert "đặc khu Vân Đồn" in out.getvalue() and "Sở Công Thương" not in out.getvalue()
    border = Agency.objects.get(name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh")
    p = Committee.objects.get(name__endswith="tỉnh Quảng Ninh")
    args = ["reports", "commendations", "propose", "--as", "thuongtruc", "--committee",
            str(p.pk), "--year", "2026", "--form", "bang_khen", "--authority",
            "committee_head", "--agency", str(border.pk), "--evidence", "exercises"]  # fmt: skip
    with pytest.raises(CommandError, match="does not grant"):
        call_command(*args)
    args[args.index("committee_head")] = "province_chairman"
    call_command(*args, stdout=out)
    c = Commendation.objects.latest("pk")
    assert c.recipient_agency == border
    call_command("reports", "commendations", "review", str(c.pk), "--as", "thuongtruc",
                 stdout=out)  # fmt: skip
    with pytest.raises(CommandError, match="No commendation"):
        call_command("reports", "commendations", "refuse", str(c.pk), "--as", "xa_b",
                     "--reason", "x")  # fmt: skip
    call_command("reports", "commendations", "decide", str(c.pk), "--as", "lanhdao",
                 "--number", "12/QĐ-UBND", "--on", "20/11/2026", stdout=out)  # fmt: skip
    c.refresh_from_db()
    assert (c.state, c.decision_number) == ("decided", "12/QĐ-UBND")


def test_a_proposal_is_changed_through_the_api(api_for: Callable[..., Client]) -> None:
    api = api_for("thuongtruc", scope="write")
    c = commune_a()
    url = f"/api/v1/commendations/{c.pk}/"
    changed = api.patch(url, {"version": c.version, "achievement": "Xuất sắc"},
                        content_type="application/json")  # fmt: skip
    assert changed.status_code == 200 and changed.json()["achievement"] == "Xuất sắc"
    stale = api.patch(url, {"version": c.version, "achievement": "Cũ"},
                      content_type="application/json")  # fmt: skip
    assert stale.status_code == 409
    wrong = api.patch(url, {"version": c.version + 1, "authority": "committee_head"},
                      content_type="application/json")  # fmt: skip
    assert wrong.status_code == 400
    assert api_for("xa_b", scope="write").patch(url, {"version": 1},
                                                content_type="application/json").status_code == 404  # fmt: skip
    decided_url = f"/api/v1/commendations/{decided().pk}/"
    refused = api.patch(decided_url, {"version": decided().version, "achievement": "x"},
                        content_type="application/json")  # fmt: skip
    assert refused.status_code == 400
