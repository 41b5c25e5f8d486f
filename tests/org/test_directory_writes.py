"""Directory writes are for the committee's administrators (and Vigil itself)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vigil.accounts.models import User
from vigil.core.models import AuditHead
from vigil.org import services
from vigil.org.models import Agency, Committee, Post, PostHolder

pytestmark = pytest.mark.django_db


def commune_a() -> Committee:
    return Committee.objects.get(name__endswith="Vân Đồn")


def test_an_administrator_creates_a_committee_below_their_own(
    persona: Callable[[str], User],
) -> None:
    created = services.create_committee(
        name="Ban Chỉ đạo PCKB xã Quảng La", short_name="BCĐ", level=Committee.Level.COMMUNE,
        parent=Committee.objects.get(name__endswith="tỉnh Quảng Ninh"), actor=persona("quantri"),
    )  # fmt: skip
    assert created.path.startswith(created.parent.path)  # type: ignore[union-attr]


@pytest.mark.parametrize("username", ["thuongtruc", "xa_a", "congthuong", "kiemtoan", "lanhdao"])
def test_nobody_else_writes_the_directory(username: str, persona: Callable[[str], User]) -> None:
    seq = AuditHead.objects.get(id=1).seq
    with pytest.raises(PermissionDenied):
        services.create_agency(
            name="Đơn vị lạ", kind=Agency.Kind.DEPARTMENT, committee=commune_a(),
            actor=persona(username),
        )  # fmt: skip
    assert AuditHead.objects.get(id=1).seq == seq
    assert not Agency.objects.filter(name="Đơn vị lạ").exists()


def test_an_administrator_cannot_reach_the_committee_above(persona: Callable[[str], User]) -> None:
    national = Committee.objects.get(level=Committee.Level.NATIONAL)
    with pytest.raises(PermissionDenied):
        services.create_post(
            national, kind=Post.Kind.MEMBER, title="Ủy viên", actor=persona("quantri")
        )


def test_a_holder_period_that_ends_before_it_starts_is_refused(
    persona: Callable[[str], User],
) -> None:
    post = Post.objects.filter(committee=commune_a()).first()
    assert post is not None
    count = PostHolder.objects.count()
    with pytest.raises(ValidationError):
        services.appoint_holder(
            post, holder_name="X", valid_from=dt.date(2026, 5, 1), valid_to=dt.date(2026, 4, 1),
            actor=persona("quantri"),
        )  # fmt: skip
    with pytest.raises(ValidationError):  # overlaps the current holder
        services.appoint_holder(
            post, holder_name="Y", valid_from=dt.date(2026, 5, 1), actor=persona("quantri")
        )
    assert PostHolder.objects.count() == count


def test_an_electronic_code_must_match_the_configured_pattern(
    persona: Callable[[str], User],
) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_agency(
            name="Đơn vị mã sai", kind=Agency.Kind.DEPARTMENT, committee=commune_a(),
            electronic_code="not a code", actor=persona("quantri"),
        )  # fmt: skip
    assert "electronic_code" in error.value.error_dict
