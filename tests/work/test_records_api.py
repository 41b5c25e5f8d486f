"""The API's writes of work plans, meetings and incoming documents: the same services as
the pages, the same permissions (404 for what is not yours, 403 for what you may only
read), and a refusal writes nothing, neither rows nor audit events. The messages are
matched in Vietnamese, as the personas read them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.work.helpers import SEED, agency, commune, province
from tests.work.test_records import _package
from vigil.core.models import AuditEvent
from vigil.work.models import (
    ConclusionPoint,
    IncomingDocument,
    IncomingPoint,
    Meeting,
    Task,
    WorkPlan,
    WorkPlanItem,
)
from vigil.work.records import services as record_services
from vigil.work.services import PointSpec

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 25)  # a Wednesday


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    noon = dt.datetime.combine(TODAY, dt.time(9), ZoneInfo("Asia/Ho_Chi_Minh"))
    with time_machine.travel(noon, tick=False):
        yield


def _written() -> tuple[int, ...]:
    """Everything a refused write must leave as it was."""
    return (
        WorkPlan.objects.count(), WorkPlanItem.objects.count(), Meeting.objects.count(),
        ConclusionPoint.objects.count(), IncomingDocument.objects.count(),
        IncomingPoint.objects.count(), Task.objects.count(),
        AuditEvent.objects.filter(action__startswith="work.").count(),
    )  # fmt: skip


def _events(action: str, obj: Any) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(obj.pk)).count()


def _post(api: Client, url: str, body: dict[str, Any]) -> Any:
    return api.post(url, body, content_type="application/json")


def _refused(api: Client, url: str, body: dict[str, Any], field: str, message: str) -> None:
    before = _written()
    response = _post(api, url, body)
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert message in " ".join([error["message"], *error["fields"].get(field, [])]), error
    assert _written() == before


# --- work plans


def test_a_plan_is_created_and_an_item_handed_to_an_agency_once(
    api_for: Callable[..., Client],
) -> None:
    api = api_for("xa_a", "write")
    body = {
        "committee": commune("a").pk, "year": 2027, "title": "Kế hoạch công tác năm 2027",
        "items": [
            {"text": "Tuyên truyền phòng, chống khủng bố.", "lead": [agency("police_a").pk],
             "deadline": "2027-06-30"},
            {"text": "Kiểm tra các mục tiêu trọng điểm."},
        ],
    }  # fmt: skip
    response = _post(api, "/api/v1/work-plans/", body)
    assert response.status_code == 201, response.json()
    plan = WorkPlan.objects.get(pk=response.json()["id"])
    assert [i["text"] for i in response.json()["items"]] == [
        "Tuyên truyền phòng, chống khủng bố.", "Kiểm tra các mục tiêu trọng điểm.",
    ]  # fmt: skip
    assert _events("work.plan.created", plan) == 1
    (first,) = Task.objects.filter(plan_item__plan=plan)
    assert (first.assignee, first.deadline) == (agency("police_a"), dt.date(2027, 6, 30))

    url = f"/api/v1/work-plans/{plan.pk}/tasks/"
    handed = _post(api, url, {"item": 2, "lead": [agency("police_a").pk],
                              "deadline_working_days": 5})  # fmt: skip
    assert handed.status_code == 201, handed.json()
    (task,) = Task.objects.filter(pk__in=[t["id"] for t in handed.json()])
    assert task.plan_item is not None and task.plan_item.order == 2
    assert task.description == "Kiểm tra các mục tiêu trọng điểm."
    assert task.assigned_on == dt.date(2027, 1, 1)  # the plan's year has not begun
    assert _events("work.task.assigned", task) == 1
    # Sent again (a client's retry): the agency already has it; nothing is written twice.
    _refused(api, url, {"item": 2, "lead": [agency("police_a").pk], "deadline_working_days": 5},
             "agencies", "đã được giao nhiệm vụ theo nội dung này")  # fmt: skip
    _refused(api, url, {"item": 9, "lead": [agency("police_a").pk], "deadline_working_days": 5},
             "item", "không có mục mang số này")  # fmt: skip


def test_a_plan_that_breaks_a_rule_is_refused_with_nothing_written(
    api_for: Callable[..., Client],
) -> None:
    api = api_for("xa_a", "write")
    body = {"committee": commune("a").pk, "year": 2028, "title": "Kế hoạch 2028"}
    item = {"text": "Diễn tập.", "lead": [agency("police_a").pk], "deadline": "2028-03-01"}
    url = "/api/v1/work-plans/"
    # Sở Công Thương is in the directory xa_a reads, but not in commune A's tree.
    _refused(api, url, {**body, "items": [{**item, "lead": [agency("dit").pk]}]},
             "agencies", "hoặc các Ban Chỉ đạo cấp dưới")  # fmt: skip
    _refused(api, url, {**body, "items": [{**item, "deadline": "2027-12-31"}]},
             "deadline", "không được trước ngày ban hành")  # fmt: skip
    _refused(
        api,
        url,
        {**body, "classification": 1},
        "classification",
        "cao hơn mức được tiếp cận bí mật",
    )
    assert _post(api, url, body).status_code == 201
    _refused(api, url, body, "year", "đã có kế hoạch công tác của năm này")


def test_only_the_committees_issuers_write_its_plans(api_for: Callable[..., Client]) -> None:
    body = {"committee": province().pk, "year": 2029, "title": "Kế hoạch 2029"}
    before = _written()
    # The Department of Industry and Trade reads the provincial committee, may not write for it.
    assert _post(api_for("congthuong", "write"), "/api/v1/work-plans/", body).status_code == 403
    # A read-only token of the standing office writes nothing either.
    assert _post(api_for("thuongtruc"), "/api/v1/work-plans/", body).status_code == 403
    # Commune B's committee is in the directory xa_a reads (case 9), but not xa_a's to write for.
    other = {**body, "committee": commune("b").pk}
    assert _post(api_for("xa_a", "write"), "/api/v1/work-plans/", other).status_code == 403
    # A committee that does not exist (or is not seen) is not found.
    missing = {**body, "committee": 999999}
    assert _post(api_for("xa_a", "write"), "/api/v1/work-plans/", missing).status_code == 404
    assert _written() == before


# --- meetings


def test_a_meeting_is_recorded_and_a_conclusion_handed_to_agencies(
    api_for: Callable[..., Client],
) -> None:
    api = api_for("thuongtruc", "write")
    body = {
        "committee": province().pk, "kind": "regular", "title": "Họp thường kỳ tháng 11",
        "held_on": "2026-11-24", "agenda": "Đánh giá tình hình.",
        "invited": [agency("dit").pk, agency("border").pk], "attending": [agency("dit").pk],
        "conclusions": "Tăng cường kiểm tra.",
        "points": [
            {"text": "Rà soát kho vật liệu nổ.", "lead": [agency("dit").pk],
             "deadline_working_days": 3},
            {"text": "Tuần tra khu vực biên giới."},
        ],
    }  # fmt: skip
    response = _post(api, "/api/v1/meetings/", body)
    assert response.status_code == 201, response.json()
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert set(response.json()["invited"]) == {agency("dit").pk, agency("border").pk}
    assert response.json()["attending"] == [agency("dit").pk]
    assert _events("work.meeting.recorded", meeting) == 1
    (first,) = Task.objects.filter(conclusion__meeting=meeting)
    # Tue 24 + 3 working days: Wed 25, Thu 26, Fri 27.
    assert (first.assignee, first.deadline) == (agency("dit"), dt.date(2026, 11, 27))

    url = f"/api/v1/meetings/{meeting.pk}/tasks/"
    handed = _post(api, url, {"point": 2, "lead": [agency("border").pk],
                              "supporting": [agency("dit").pk], "deadline": "2026-12-15"})  # fmt: skip
    assert handed.status_code == 201, handed.json()
    assert {(t["agency"], t["role"]) for t in handed.json()} == {
        (agency("border").pk, "lead"), (agency("dit").pk, "support"),
    }  # fmt: skip
    tasks = Task.objects.filter(conclusion__meeting=meeting, conclusion__order=2)
    assert {t.description for t in tasks} == {"Tuần tra khu vực biên giới."}
    assert all(_events("work.task.assigned", t) == 1 for t in tasks)
    _refused(api, url, {"point": 2, "lead": [agency("dit").pk], "deadline": "2026-12-15"},
             "agencies", "đã được giao nhiệm vụ theo nội dung này")  # fmt: skip
    _refused(api, url, {"point": 2, "lead": [agency("health").pk], "deadline": "2026-11-20"},
             "deadline", "không được trước ngày ban hành")  # fmt: skip
    _refused(api, url, {"point": 7, "lead": [agency("health").pk], "deadline": "2026-12-15"},
             "point", "không có điểm kết luận mang số này")  # fmt: skip


def test_a_meeting_inviting_an_agency_outside_the_tree_is_refused(
    api_for: Callable[..., Client],
) -> None:
    api = api_for("xa_a", "write")
    body = {"committee": commune("a").pk, "kind": "regular", "title": "Họp",
            "held_on": "2026-11-24", "invited": [agency("dit").pk]}  # fmt: skip
    _refused(api, "/api/v1/meetings/", body, "agencies", "hoặc các Ban Chỉ đạo cấp dưới")
    _refused(api, "/api/v1/meetings/", {**body, "invited": [], "kind": "party"}, "kind", "")
    assert _post(api, "/api/v1/meetings/", {**body, "invited": []}).status_code == 201


def test_the_minutes_go_to_a_meeting_through_the_attachments_api(
    api_for: Callable[..., Client],
) -> None:
    meeting = record_services.record_meeting(
        commune("a"), kind="regular", title="Họp", held_on=TODAY, actor=SEED
    )
    minutes = SimpleUploadedFile("bien-ban.txt", "Biên bản cuộc họp\n".encode())
    body = {"parent_type": "work.meeting", "parent_id": meeting.pk, "file": minutes}
    assert api_for("xa_b", "write").post("/api/v1/attachments/", body).status_code == 404
    minutes.seek(0)
    response = api_for("xa_a", "write").post("/api/v1/attachments/", body)
    assert response.status_code == 201, response.json()
    assert response.json()["parent_id"] == meeting.pk


# --- incoming documents


def test_an_incoming_document_is_registered_assigned_and_its_points_handed_out(
    api_for: Callable[..., Client], persona: Callable[[str], Any]
) -> None:
    api = api_for("thuongtruc", "write")
    body = {
        "committee": province().pk, "issuer": agency("mps").pk, "number": "88",
        "notation": "CĐ-BCA", "doc_date": "2026-11-20", "subject": "Công điện về bảo vệ mục tiêu",
        "deadline": "2026-12-05",
        "points": [{"text": "Rà soát mục tiêu.", "lead": [agency("dit").pk],
                    "deadline": "2026-12-01"}],
    }  # fmt: skip
    response = _post(api, "/api/v1/incoming-documents/", body)
    assert response.status_code == 201, response.json()
    document = IncomingDocument.objects.get(pk=response.json()["id"])
    assert (document.issuer, document.issuer_unknown) == (agency("mps"), False)
    assert response.json()["issuer_name"] == "Bộ Công an"
    assert _events("work.incoming.registered", document) == 1
    assert Task.objects.filter(incoming_point__document=document).count() == 1

    # The handler: DIT reads it only once it is handed to it, and still may not write.
    dit = api_for("congthuong", "write")
    assert dit.get(f"/api/v1/incoming-documents/{document.pk}/").status_code == 404
    assign = f"/api/v1/incoming-documents/{document.pk}/assign/"
    assigned = _post(api, assign, {"handler": agency("dit").pk})
    assert assigned.status_code == 200, assigned.json()
    assert assigned.json()["handler"] == agency("dit").pk
    assert _events("work.incoming.assigned", document) == 1
    assert dit.get(f"/api/v1/incoming-documents/{document.pk}/").status_code == 200
    before = _written()
    assert _post(dit, assign, {"handler": agency("border").pk}).status_code == 403
    tasks_url = f"/api/v1/incoming-documents/{document.pk}/tasks/"
    point = {"text": "Báo cáo kết quả.", "lead": [agency("border").pk], "deadline": "2026-12-10"}
    assert _post(dit, tasks_url, {"points": [point]}).status_code == 403
    assert _written() == before

    handed = _post(api, tasks_url, {"points": [point]})
    assert handed.status_code == 201, handed.json()
    assert [t["agency"] for t in handed.json()] == [agency("border").pk]
    assert document.points.count() == 2
    assert _events("work.incoming.points_added", document) == 1
    _refused(api, tasks_url, {"points": []}, "points", "")
    _refused(api, tasks_url, {"points": [{**point, "deadline": "2026-11-01"}]},
             "deadline", "không được trước ngày ban hành")  # fmt: skip


def test_a_registration_that_breaks_a_rule_is_refused_with_nothing_written(
    api_for: Callable[..., Client],
) -> None:
    api = api_for("xa_a", "write")
    url = "/api/v1/incoming-documents/"
    body = {"committee": commune("a").pk, "issuer_name": "Sở Ngoại vụ tỉnh bạn",
            "number": "3", "doc_date": "2026-11-20", "subject": "Trao đổi thông tin"}  # fmt: skip
    _refused(api, url, {**body, "deadline": "2026-11-19"}, "deadline",
             "không được trước ngày ban hành")  # fmt: skip
    _refused(api, url, {**body, "issuer_name": ""}, "issuer_name", "Hãy nhập tên cơ quan ban hành")
    _refused(api, url, {**body, "points": [{"text": "Phối hợp.", "lead": [agency("dit").pk],
                                            "deadline": "2026-12-01"}]},
             "agencies", "hoặc các Ban Chỉ đạo cấp dưới")  # fmt: skip
    # An issuer not in the directory is kept as named and flagged for the officer.
    response = _post(api, url, body)
    assert response.status_code == 201, response.json()
    assert response.json()["issuer_unknown"] is True
    assert response.json()["issuer"] is None


def test_an_assignment_outside_the_tree_is_refused(api_for: Callable[..., Client]) -> None:
    document = IncomingDocument.objects.get(owning_committee=commune("a"), number="45")
    api = api_for("xa_a", "write")
    assign = f"/api/v1/incoming-documents/{document.pk}/assign/"
    handler = document.handler_id
    _refused(
        api, assign, {"handler": agency("dit").pk}, "agencies", "hoặc các Ban Chỉ đạo cấp dưới"
    )
    _refused(api, assign, {}, "handler", "")
    assert IncomingDocument.objects.get(pk=document.pk).handler_id == handler


def _import(api: Client, committee_pk: int, data: bytes) -> Any:
    package = SimpleUploadedFile("goi.edxml", data, content_type="application/xml")
    return api.post(
        "/api/v1/incoming-documents/import/",
        {"committee": committee_pk, "classification": 0, "package": package},
    )


def test_an_edxml_package_is_imported_and_an_unknown_issuer_flagged(
    api_for: Callable[..., Client],
) -> None:
    response = _import(api_for("thuongtruc", "write"), province().pk, _package())
    assert response.status_code == 201, response.json()
    document = IncomingDocument.objects.get(pk=response.json()["id"])
    assert document.from_edxml and document.issuer_unknown
    assert response.json()["issuer_name"] == "Sở Ngoại vụ tỉnh bạn"
    assert response.json()["issuer_unknown"] is True
    assert _events("work.incoming.registered", document) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<not xml", "không phải là văn bản edXML hợp lệ"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>', "DTD hoặc thực thể"),
        (b"", ""),
    ],
)
def test_a_malformed_package_is_refused_with_nothing_written(
    data: bytes, message: str, api_for: Callable[..., Client]
) -> None:
    before = _written()
    response = _import(api_for("thuongtruc", "write"), province().pk, data)
    assert response.status_code == 400
    error = response.json()["error"]
    fields = [m for messages in error["fields"].values() for m in messages]
    assert message in " ".join([error["message"], *fields])
    assert _written() == before


def test_an_oversized_package_is_refused_with_the_size_message(
    api_for: Callable[..., Client], settings: Any
) -> None:
    settings.VIGIL_MAX_UPLOAD_MB = 1
    before = _written()
    response = _import(
        api_for("thuongtruc", "write"), province().pk, _package() + b" " * (1024 * 1024 + 10)
    )
    assert response.status_code == 400
    assert "lớn hơn 1 MB" in response.json()["error"]["message"]
    assert _written() == before


def test_an_import_is_for_the_committees_issuers_only(api_for: Callable[..., Client]) -> None:
    before = _written()
    assert _import(api_for("congthuong", "write"), province().pk, _package()).status_code == 403
    assert _import(api_for("xa_a", "write"), commune("b").pk, _package()).status_code == 403
    assert _import(api_for("xa_a", "write"), 999999, _package()).status_code == 404
    assert _written() == before


# --- scope


def test_xa_a_cannot_reach_xa_b_plans_meetings_or_documents_by_id(
    api_for: Callable[..., Client],
) -> None:
    plan = record_services.create_work_plan(
        commune("b"), year=2027, title="Kế hoạch 2027",
        items=[PointSpec(text="Tuyên truyền.")], actor=SEED,
    )  # fmt: skip
    meeting = Meeting.objects.filter(owning_committee=commune("b")).first()
    document = IncomingDocument.objects.filter(owning_committee=commune("b")).first()
    assert meeting is not None and document is not None
    lead: dict[str, Any] = {"lead": [agency("police_b").pk], "deadline_working_days": 3}
    api = api_for("xa_a", "write")
    before = _written()
    calls: list[tuple[str, dict[str, Any]]] = [
        (f"/api/v1/work-plans/{plan.pk}/tasks/", {"item": 1, **lead}),
        (f"/api/v1/meetings/{meeting.pk}/tasks/", {"point": 1, **lead}),
        (f"/api/v1/incoming-documents/{document.pk}/assign/", {"handler": agency("police_b").pk}),
        (f"/api/v1/incoming-documents/{document.pk}/tasks/", {"points": [{"text": "X", **lead}]}),
    ]
    for url, body in calls:
        response = _post(api, url, body)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    assert _written() == before
    # xa_b, whose they are, is answered.
    own = _post(api_for("xa_b", "write"), f"/api/v1/work-plans/{plan.pk}/tasks/",
                {"item": 1, **lead})  # fmt: skip
    assert own.status_code == 201, own.json()
