"""``seed_reports(world, actor)``: the demo's summary report, through the services, after
every app it reads. The province's report of the last finished quarter (the third
quarter of 2026 on the demo's day), drafted by the standing office (``thuongtruc``:
the figures are what it sees) and classified Mật, then issued by the leader
(``lanhdao``), so the list, the .docx and the scope cases have an issued example. No
annual summary: drafting the year's is what a user does (and the browser test does)."""

from __future__ import annotations

import datetime as dt

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification
from vigil.org.demo import OrgWorld
from vigil.org.letterhead import default_signature
from vigil.reports.summaries import services
from vigil.reports.summaries.models import ReportKind, SummaryReport

RECIPIENTS = [
    "Ban Chỉ đạo Phòng, chống khủng bố quốc gia",
    "Bộ Công an (qua Cục Chống khủng bố)",
    "Thường trực Tỉnh ủy, UBND tỉnh",
    "Các thành viên Ban Chỉ đạo",
]


def last_quarter(today: dt.date) -> tuple[int, int]:
    """The last quarter that has ended: (year, quarter)."""
    quarter = (today.month - 1) // 3
    return (today.year, quarter) if quarter else (today.year - 1, 4)


def seed_reports(world: OrgWorld, actor: SystemActor) -> SummaryReport:
    province = world.committees["province"]
    year, quarter = last_quarter(clock.today())
    report = services.draft_report(
        province, ReportKind.QUARTERLY, year, quarter, actor=world.users["thuongtruc"],
        classification=Classification.CONFIDENTIAL,
    )  # fmt: skip
    signature = default_signature(province)
    return services.issue_report(
        report, actor=world.users["lanhdao"], issued_on=report.ends_on + dt.timedelta(days=7),
        recipients=RECIPIENTS, signer_name=signature.name, signer_title=signature.title,
        signing_form=signature.form if signature.form in ("TM.", "KT.") else "TM.",
    )  # fmt: skip
