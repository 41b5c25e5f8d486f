"""Shared helpers of the work tests: the demo committees and a directive issued by the seed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from vigil.core import clock
from vigil.core.audit import Actor, SystemActor
from vigil.core.numbering import DocType
from vigil.org.models import Agency, Committee, Post, PostHolder
from vigil.work.documents import services as document_services
from vigil.work.models import IssuedDocument, SigningForm
from vigil.work.services import PointSpec

SEED = SystemActor("test")


def days_from_today(n: int) -> dt.date:
    """A date relative to the suite's travelled today, for tests not about a calendar fact."""
    return clock.today() + dt.timedelta(days=n)


def province() -> Committee:
    return Committee.objects.get(name="Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh")


def commune(key: str) -> Committee:
    suffix = {"a": "đặc khu Vân Đồn", "b": "phường Móng Cái 1"}[key]
    return Committee.objects.get(name=f"Ban Chỉ đạo Phòng, chống khủng bố {suffix}")


def agency(name: str) -> Agency:
    names = {
        "dit": "Sở Công Thương",
        "border": "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
        "police": "Công an tỉnh Quảng Ninh",
        "police_a": "Công an đặc khu Vân Đồn",
        "police_b": "Công an phường Móng Cái 1",
        "health": "Sở Y tế",
        "mine": "Công ty Cổ phần Than Demo Cẩm Phả",
        "mps": "Bộ Công an",
    }
    return Agency.objects.get(name=names[name])


def head(committee: Committee) -> Post:
    return Post.objects.get(committee=committee, kind=Post.Kind.HEAD)


def holder(committee: Committee, kind: str) -> PostHolder:
    found = PostHolder.objects.filter(post__committee=committee, post__kind=kind).first()
    assert found is not None
    return found


def directive(
    *agencies: Agency,
    actor: Actor = SEED,
    issue_date: dt.date | None = None,
    deadline: dt.date | None = None,
    working_days: int | None = None,
    **kwargs: Any,
) -> IssuedDocument:
    """A directive of the province, signed KT. by the standing deputy, one point for ``agencies``."""
    p = province()
    day = issue_date or days_from_today(-5)
    if deadline is None and working_days is None:
        deadline = day + dt.timedelta(days=14)
    return document_services.issue_document(
        p, doc_type=DocType.CHI_THI, subject="Tăng cường phòng, chống khủng bố",
        issue_date=day, signing_post=head(p), signer=holder(p, Post.Kind.STANDING_DEPUTY),
        signing_form=SigningForm.KT,
        points=[PointSpec(text="Rà soát mục tiêu trọng điểm.", lead=list(agencies),
                          deadline=deadline, deadline_working_days=working_days)],
        actor=actor, **kwargs,
    )  # fmt: skip
