"""The outline of a summary report: its sections in order, the annual summary's (as the
committees' annual reviews are written: the situation, the results by work area, the
limitations, next year's tasks, the commendations) and the periodic reports' shorter
one. ``limitations`` reads the sections before it (``Context.earlier``), so it comes
after them."""

from __future__ import annotations

from vigil.reports.sections import (
    commendations,
    controlled,
    coordination,
    exercises,
    incidents,
    indicators,
    leadership,
    limitations,
    next_period,
    sites,
    situation,
)
from vigil.reports.sections.base import SectionSpec

OUTLINE: tuple[SectionSpec, ...] = (
    SectionSpec("situation", "Tình hình liên quan đến khủng bố", situation.compute),
    SectionSpec("leadership", "Công tác lãnh đạo, chỉ đạo", leadership.compute),
    SectionSpec("coordination", "Công tác phối hợp, trao đổi thông tin", coordination.compute),
    SectionSpec("sites", "Công tác bảo vệ mục tiêu, công trình trọng điểm và xây dựng phương án",
                sites.compute),
    SectionSpec("exercises", "Công tác tập huấn, diễn tập", exercises.compute, periodic=False),
    SectionSpec("controlled", "Công tác quản lý vũ khí, vật liệu nổ, công cụ hỗ trợ",
                controlled.compute),
    SectionSpec("incidents", "Công tác xử lý tình huống", incidents.compute),
    SectionSpec("indicators", "Kết quả các chỉ tiêu do thành viên báo cáo", indicators.compute),
    SectionSpec("limitations", "Tồn tại, hạn chế", limitations.compute),
    SectionSpec("next_period", "Phương hướng, nhiệm vụ", next_period.compute),
    SectionSpec("commendations", "Đề xuất khen thưởng", commendations.compute, periodic=False),
)  # fmt: skip


def outline_for(annual: bool) -> list[SectionSpec]:
    return [s for s in OUTLINE if (s.annual if annual else s.periodic)]


def spec(key: str) -> SectionSpec:
    return next(s for s in OUTLINE if s.key == key)
