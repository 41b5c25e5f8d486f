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
from vigil.work import services
from vigil.work.models import SigningForm, Task, Urgency
from vigil.work.services import PointSpec

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
    directive = services.issue_document(
        p, doc_type=DocType.CHI_THI, issue_date=issued,
        subject="Tăng cường công tác phòng, chống khủng bố dịp cuối năm và Tết Nguyên đán",
        body="Để chủ động phòng ngừa, phát hiện và xử lý kịp thời các tình huống khủng bố, "
             "Trưởng Ban Chỉ đạo yêu cầu các cơ quan, đơn vị thực hiện tốt các nội dung sau:",
        signing_post=_head(p), signer=_holder(p, Post.Kind.STANDING_DEPUTY),
        signing_form=SigningForm.KT, urgency=Urgency.KHAN,
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
    services.acknowledge_task(done, actor=actor)
    services.report_progress(done, note="Đã kiểm tra 3/5 mỏ.", actor=actor)
    services.report_done(done, note="Đã kiểm tra đủ 5 mỏ, không phát hiện vi phạm.", actor=actor)
    services.acknowledge_task(tasks[(ag["border"].pk, 3)], actor=actor)
    services.acknowledge_task(tasks[(ag["police_a"].pk, 2)], actor=actor)

    # Scope case 4 of SCOPE-CASES.md: a task in P assigned to DIT only (and its letter).
    services.issue_document(
        p, doc_type=DocType.CONG_VAN, issue_date=issued, subject=CASE_4_SUBJECT,
        signing_post=_head(p), signer=_holder(p, Post.Kind.STANDING_DEPUTY),
        signing_form=SigningForm.KT,
        points=[PointSpec(text="Báo cáo số lượng vật liệu nổ công nghiệp tồn kho tại các mỏ.",
                          title=CASE_4_SUBJECT, lead=[ag["dit"]],
                          deadline=today + dt.timedelta(days=12))],
        actor=actor,
    )  # fmt: skip
    services.issue_document(
        p, doc_type=DocType.KE_HOACH, issue_date=issued,
        subject="Kiểm tra an ninh khu vực biên giới",
        signing_post=_head(p), signer=_holder(p, Post.Kind.STANDING_DEPUTY),
        signing_form=SigningForm.KT, classification=C.CONFIDENTIAL,
        points=[PointSpec(text="Tuần tra, kiểm soát các đường mòn, lối mở biên giới.",
                          lead=[ag["border"]], deadline=today + dt.timedelta(days=30))],
        actor=actor,
    )  # fmt: skip
    services.assign_task(
        p, lead=[ag["police"]], title="Rà soát lực lượng dự bị phương án KB-ST 12",
        deadline=today + dt.timedelta(days=15), classification=C.SECRET, actor=actor,
    )  # fmt: skip
    for committee, keys in ((a, ("ubnd_a", "airport")), (b, ("ubnd_b", "police_b"))):
        services.assign_task(
            committee, lead=[ag[k] for k in keys],
            title="Tuyên truyền phòng, chống khủng bố tại khu dân cư",
            deadline=today + dt.timedelta(days=5), actor=actor,
        )  # fmt: skip
        services.issue_document(
            committee, doc_type=DocType.THONG_BAO, issue_date=today - dt.timedelta(days=3),
            subject="Kết luận cuộc họp Ban Chỉ đạo tháng 11",
            signing_post=_head(committee), signer=_holder(committee, Post.Kind.HEAD),
            signing_form=SigningForm.TM,
            points=[PointSpec(text="Kiểm tra an toàn khu vực bến tàu, nhà ga.",
                              lead=[ag[keys[0]]], deadline_working_days=5)],
            actor=actor,
        )  # fmt: skip
