"""Directory writes are for the committee's administrators (and Vigil itself)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation

from vigil.accounts.models import User
from vigil.core.audit import SystemActor
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


# --- Review: a committee's exchange code is its own. Documents are addressed by it,
# so a commune administrator must not take the province's code or an agency's.

PROVINCE_CODE, POLICE_CODE = "000.00.90.H46", "000.00.01.H46"


def commune_administrator() -> User:
    user, _ = services.create_member_user(
        username="quantri_a", full_name="Quản trị xã A", email="qa@demo.vigil.invalid",
        password=None, agency=Agency.objects.get(name="Công an đặc khu Vân Đồn"),
        role="administrator", committee=commune_a(), valid_from=dt.date(2026, 1, 1),
        actor=SystemActor("test"),
    )  # fmt: skip
    return user


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (PROVINCE_CODE, "Another committee has this electronic identifier code."),
        (POLICE_CODE, "Another agency has this electronic identifier code."),
    ],
)
def test_a_committee_cannot_take_a_code_another_committee_or_an_agency_holds(
    code: str, message: str
) -> None:
    admin, before = commune_administrator(), commune_a().electronic_code
    seq = AuditHead.objects.get(id=1).seq
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.update_committee(commune_a(), electronic_code=code, actor=admin)
    assert error.value.message_dict["electronic_code"] == [message]
    assert commune_a().electronic_code == before
    assert AuditHead.objects.get(id=1).seq == seq
    # Its own code again, and a fresh one, are fine.
    services.update_committee(commune_a(), electronic_code=before, actor=admin)
    services.update_committee(commune_a(), electronic_code="000.03.90.H46", actor=admin)
    assert commune_a().electronic_code == "000.03.90.H46"


def test_an_agency_cannot_take_a_committees_code(persona: Callable[[str], User]) -> None:
    police = Agency.objects.get(electronic_code=POLICE_CODE)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.update_agency(police, electronic_code=PROVINCE_CODE, actor=persona("quantri"))
    assert error.value.message_dict["electronic_code"] == [
        "Another committee has this electronic identifier code."
    ]
    assert Agency.objects.get(pk=police.pk).electronic_code == POLICE_CODE


def test_the_database_holds_committee_codes_unique_but_many_blank() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Committee.objects.filter(pk=commune_a().pk).update(electronic_code=PROVINCE_CODE)
    Committee.objects.exclude(level=Committee.Level.PROVINCE).update(electronic_code="")
    assert Committee.objects.filter(electronic_code="").count() >= 3


def test_the_api_refuses_another_holders_code_in_the_users_language(
    api_for: Callable[..., Client],
) -> None:
    commune_administrator()
    url = f"/api/v1/committees/{commune_a().pk}/"
    before = commune_a().electronic_code
    for code in (PROVINCE_CODE, POLICE_CODE):
        response = api_for("quantri_a", "write").patch(
            url, {"electronic_code": code}, content_type="application/json",
            headers={"Accept-Language": "vi"},
        )  # fmt: skip
        assert response.status_code == 400, response.content
        assert "mã định danh điện tử" in response.content.decode().lower()
    assert commune_a().electronic_code == before
    response = api_for("quantri_a", "write").patch(
        url, {"electronic_code": "000.03.90.H46"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert commune_a().electronic_code == "000.03.90.H46"
