"""Demo data: a provincial directive fanned out to member and commune agencies,
tasks of communes A and B, and some above each persona's clearance."""

from __future__ import annotations

import datetime as dt

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification as C
from vigil.core.numbering import DocType
from vigil.org.demo import OrgWorld
from vigil.org.models import Committee, Post, PostHolder
from vigil.work.documents import services as document_services
from vigil.work.models import Meeting, SigningForm, Task, Urgency
from vigil.work.records import services as record_services
from vigil.work.services import PointSpec
from vigil.work.tasks import services as task_services

CASE_4_SUBJECT = "Báo cáo tình hình quản lý vật liệu nổ công nghiệp"


def _holder(committee: Committee, kind: str) -> PostHolder:
    return PostHolder.objects.filter(post__committee=committee, post__kind=kind).first()  # type: ignore[return-value]


def _head(committee: Committee) -> Post:
    return Post.objects.get(committee=committee, kind=Post.Kind.HEAD)


def seed_work(w: OrgWorld, actor: SystemActor) -> None:
    p, a, b = w.committees["province"], w.committees["a"], w.committees["b"]
    ag = w.agencies
    today = clock.today()
    issued = today - dt.timedelta(days=20)
    directive = document_services.issue_document(
        p, doc_type=DocType.CHI_THI, issue_date=issued,
        subject="Tăng cường công tác phòng, chống khủng bố dịp cuối năm và Tết Nguyên đán",
        body="Để chủ động phòng ngừa, phát hiện và xử lý kịp thời các tình huống khủng bố, "
             "Trưởng Ban Chỉ đạo yêu cầu các cơ quan, đơn vị thực hiện tốt các nội dung sau:",
        signing_post=_head(p), signer=_holder(p, Post.Kind.STANDING_DEPUTY),
        signing_form=SigningForm.KT, urgency=Urgency.KHAN, drafting_unit="VPTT",
        recipients_other="Văn phòng Thường trực BCĐ PCKB quốc gia (để b/c)",
        points=[
            PointSpec(
                text="Rà soát, kiểm tra việc quản lý vật liệu nổ công nghiệp tại các mỏ và "
                     "công trường; báo cáo kết quả về Văn phòng thường trực.",
                title="Kiểm tra quản lý vật liệu nổ công nghiệp",
                lead=[ag["dit"]], supporting=[ag["police"]],
                deadline=today + dt.timedelta(days=10),
            ),
            PointSpec(
                text="Cập nhật phương án bảo vệ các mục tiêu trọng điểm trên địa bàn.",
                title="Cập nhật phương án bảo vệ mục tiêu trọng điểm",
                lead=[ag["police_a"], ag["police_b"]], deadline_working_days=10,
            ),
            PointSpec(
                text="Tổng hợp tình hình, báo cáo sơ kết công tác quý IV.",
                title="Báo cáo sơ kết công tác quý IV",
                lead=[ag["dit"], ag["border"]], deadline=issued + dt.timedelta(days=7),
                priority=Task.Priority.HIGH,
            ),
        ],
        actor=actor,
    )  # fmt: skip
    tasks = {(t.assignee_id, t.point.order if t.point else 0): t for t in directive.tasks.all()}
    done = tasks[(ag["dit"].pk, 1)]
    task_services.acknowledge_task(done, actor=actor)
    task_services.report_progress(done, note="Đã kiểm tra 3/5 mỏ.", actor=actor)
    task_services.report_done(
        done, note="Đã kiểm tra đủ 5 mỏ, không phát hiện vi phạm.", actor=actor
    )
    task_services.acknowledge_task(tasks[(ag["border"].pk, 3)], actor=actor)
    task_services.acknowledge_task(tasks[(ag["police_a"].pk, 2)], actor=actor)

    # Scope case 4 of SCOPE-CASES.md: a task in P assigned to DIT only (and its letter).
    document_services.issue_document(
        p, doc_type=DocType.CONG_VAN, issue_date=issued, subject=CASE_4_SUBJECT,
        signing_post=_head(p), signer=_holder(p, Post.Kind.STANDING_DEPUTY),
        signing_form=SigningForm.KT, drafting_unit="VPTT", addressees=[ag["dit"]],
        body="Để phục vụ công tác quản lý, Ban Chỉ đạo đề nghị Sở Công Thương:",
        points=[PointSpec(text="Báo cáo số lượng vật liệu nổ công nghiệp tồn kho tại các mỏ.",
                          title=CASE_4_SUBJECT, lead=[ag["dit"]],
                          deadline=today + dt.timedelta(days=12))],
        actor=actor,
    )  # fmt: skip
    document_services.issue_document(
        p, doc_type=DocType.KE_HOACH, issue_date=issued,
        subject="Kiểm tra an ninh khu vực biên giới",
        signing_post=_head(p), signer=_holder(p, Post.Kind.STANDING_DEPUTY),
        signing_form=SigningForm.KT, classification=C.CONFIDENTIAL, drafting_unit="VPTT",
        body="I. MỤC ĐÍCH, YÊU CẦU\nBảo đảm an ninh khu vực biên giới.\nII. NỘI DUNG\n[points]",
        points=[PointSpec(text="Tuần tra, kiểm soát các đường mòn, lối mở biên giới.",
                          lead=[ag["border"]], deadline=today + dt.timedelta(days=30))],
        actor=actor,
    )  # fmt: skip
    task_services.assign_task(
        p, lead=[ag["police"]], title="Rà soát lực lượng dự bị phương án KB-ST 12",
        deadline=today + dt.timedelta(days=15), classification=C.SECRET, actor=actor,
    )  # fmt: skip
    for committee, keys in ((a, ("ubnd_a", "airport")), (b, ("ubnd_b", "police_b"))):
        task_services.assign_task(
            committee, lead=[ag[k] for k in keys],
            title="Tuyên truyền phòng, chống khủng bố tại khu dân cư",
            deadline=today + dt.timedelta(days=5), actor=actor,
        )  # fmt: skip
        document_services.issue_document(
            committee, doc_type=DocType.THONG_BAO, issue_date=today - dt.timedelta(days=3),
            subject="Kết luận cuộc họp Ban Chỉ đạo tháng 11",
            signing_post=_head(committee), signer=_holder(committee, Post.Kind.HEAD),
            signing_form=SigningForm.TM, drafting_unit="VPTT",
            points=[PointSpec(text="Kiểm tra an toàn khu vực bến tàu, nhà ga.",
                              lead=[ag[keys[0]]], deadline_working_days=5)],
            actor=actor,
        )  # fmt: skip
    _seed_records(w, actor)


def _seed_records(w: OrgWorld, actor: SystemActor) -> None:
    p, a, b = w.committees["province"], w.committees["a"], w.committees["b"]
    ag = w.agencies
    today = clock.today()
    record_services.create_work_plan(
        p, year=today.year, title=f"Kế hoạch công tác phòng, chống khủng bố năm {today.year}",
        items=[
            PointSpec(text="Tổ chức hội nghị sơ kết 6 tháng.", lead=[ag["police"]],
                      deadline=dt.date(today.year, 12, 31)),
            PointSpec(text="Diễn tập phương án tại cảng hàng không.", lead=[ag["airport"]],
                      supporting=[ag["police_a"]], deadline=dt.date(today.year, 12, 31)),
        ],
        actor=actor,
    )  # fmt: skip
    # Last year's review conference, held in January: its conclusions became this year's
    # tasks; and next year's plan, so the annual summary shows next year's tasks.
    last = today.year - 1
    record_services.record_meeting(
        p, kind=Meeting.Kind.REGULAR, reviews_year=last,
        title=f"Hội nghị tổng kết công tác phòng, chống khủng bố năm {last}",
        held_on=dt.date(today.year, 1, 15), invited=[ag["dit"], ag["border"], ag["police"]],
        attending=[ag["dit"], ag["border"], ag["police"]],
        conclusions=f"Đánh giá kết quả năm {last}; triển khai nhiệm vụ năm {today.year}.",
        points=[
            PointSpec(text="Công an tỉnh xây dựng kế hoạch tuyên truyền phòng, chống khủng bố "
                           f"năm {today.year}.", lead=[ag["police"]],
                      deadline=dt.date(today.year, 2, 28)),
            PointSpec(text="Bộ đội Biên phòng tăng cường kiểm soát xuất nhập cảnh tại các cửa "
                           "khẩu.", lead=[ag["border"]], deadline=dt.date(today.year, 6, 30)),
        ],
        chair=_holder(p, Post.Kind.HEAD), actor=actor,
    )  # fmt: skip
    record_services.create_work_plan(
        p, year=today.year + 1,
        title=f"Kế hoạch công tác phòng, chống khủng bố năm {today.year + 1}",
        items=[
            # Items only: they become tasks when the year comes.
            PointSpec(text=f"Tổ chức Hội nghị tổng kết công tác năm {today.year}."),
            PointSpec(text="Rà soát, cập nhật phương án bảo vệ các mục tiêu trọng điểm."),
            PointSpec(text="Diễn tập tổng hợp phương án xử lý tình huống khủng bố tại cửa khẩu."),
        ],
        actor=actor,
    )  # fmt: skip
    record_services.record_meeting(
        p, kind=Meeting.Kind.REGULAR, title="Họp Ban Chỉ đạo thường kỳ quý IV",
        held_on=today - dt.timedelta(days=7), agenda="Đánh giá tình hình; triển khai nhiệm vụ.",
        invited=[ag["dit"], ag["border"], ag["police"]], attending=[ag["dit"], ag["police"]],
        conclusions="Các thành viên tăng cường phối hợp, trao đổi thông tin.",
        points=[PointSpec(text="Sở Công Thương rà soát kho vật liệu nổ trước Tết.",
                          lead=[ag["dit"]], deadline_working_days=15)],
        starts_at=dt.time(8, 30), venue="Hội trường Công an tỉnh Quảng Ninh",
        chair=_holder(p, Post.Kind.HEAD), actor=actor,
    )  # fmt: skip
    record_services.record_meeting(
        p, kind=Meeting.Kind.EXTRAORDINARY, title="Họp đột xuất về bảo vệ mục tiêu biên giới",
        held_on=today + dt.timedelta(days=3), invited=[ag["border"]],
        classification=C.CONFIDENTIAL, actor=actor,
    )  # fmt: skip
    document_services.register_incoming(
        p, issuer=ag["mps"], number="125", notation="CV-BCĐ",
        doc_date=today - dt.timedelta(days=5), type_name="Công văn",
        subject="Triển khai công tác phòng, chống khủng bố dịp Tết Nguyên đán",
        deadline=today + dt.timedelta(days=20),
        points=[PointSpec(text="Báo cáo kết quả triển khai về Văn phòng thường trực BCĐ quốc gia.",
                          lead=[ag["police"]], deadline=today + dt.timedelta(days=18))],
        actor=actor,
    )  # fmt: skip
    # Commune A's issuer is found by its code; commune B's is kept as named and flagged.
    for committee, handler, code in ((a, ag["police_a"], "000.00.01.H46"),
                                     (b, ag["police_b"], "000.99.99.H46")):  # fmt: skip
        doc = document_services.register_incoming(
            committee, issuer_name="Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh",
            issuer_code=code, number="45", notation="KH-BCĐ",
            doc_date=today - dt.timedelta(days=10), subject="Kế hoạch kiểm tra mục tiêu",
            actor=actor,
        )  # fmt: skip
        document_services.assign_incoming(doc, handler=handler, actor=actor)
        record_services.record_meeting(
            committee, kind=Meeting.Kind.WRITTEN, title="Lấy ý kiến bằng văn bản về quy chế",
            held_on=today - dt.timedelta(days=2), invited=[handler], actor=actor,
        )  # fmt: skip
