"""Demo notifications, so that the personas' inboxes are not empty."""

from __future__ import annotations

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.inbox.delivery import deliver_pending
from vigil.inbox.escalation import seed_default_policies
from vigil.inbox.models import Kind
from vigil.inbox.services import notify
from vigil.org.demo import CASE_LABELS, OrgWorld
from vigil.org.models import ContactPoint


def seed_inbox(w: OrgWorld, actor: SystemActor) -> None:
    c, ag, u = w.committees, w.agencies, w.users
    seed_default_policies()
    notify(
        c["province"],
        "Kế hoạch công tác phòng, chống khủng bố năm 2027 đã được trình Trưởng ban",
        kind=Kind.INFO,
        body="Đề nghị Văn phòng thường trực rà soát trước phiên họp cuối năm.",
        committee=c["province"],
    )
    notify(
        ag["dit"],
        "Đề nghị báo cáo tình hình quản lý vật liệu nổ công nghiệp quý IV",
        kind=Kind.TASK,
        body="Hạn báo cáo: 10 ngày làm việc.",
        committee=c["province"],
    )
    # About a Mật contact point: bienphong (Mật) gets it; its e-mail says only "something to read".
    border_contact = ContactPoint.objects.get(label=CASE_LABELS[7])
    notify(
        ag["border"],
        "Cập nhật đầu mối liên lạc phối hợp biên giới",
        about=border_contact,
        kind=Kind.ALERT,
        url=f"/contacts/{border_contact.pk}/",
    )
    notify(c["a"], "Nhắc việc: tổng hợp báo cáo tháng của đặc khu", kind=Kind.REMINDER)
    notify(c["b"], "Nhắc việc: tổng hợp báo cáo tháng của phường", kind=Kind.REMINDER)
    notify(u["kho_mo"], "Giấy phép sử dụng vật liệu nổ công nghiệp sắp đến hạn gia hạn",
           kind=Kind.LICENCE)  # fmt: skip
    notify([u["kiemtoan"], u["quantri"]], "Bảng ngày nghỉ lễ năm sau đã được nạp",
           kind=Kind.INFO, url="/holidays/")  # fmt: skip
    # The inboxes fill without waiting for the worker's first sweep; the e-mail
    # is the worker's (under `vigil serve` it prints to the console), so the
    # seed's own output stays the list of demo logins.
    deliver_pending(clock.now(), actor=actor, mail=False)
