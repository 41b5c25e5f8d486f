"""Commendations. (To be built: the figures function of the app it reads.)"""

from __future__ import annotations

from vigil.reports.sections.base import Context, SectionContent


def compute(ctx: Context) -> SectionContent:
    return SectionContent(notes=["Chưa có số liệu."])
