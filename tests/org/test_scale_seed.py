"""`vigil seed demo --scale N`: the bulk path leaves a whole chain and scoped data."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from vigil.accounts.models import User
from vigil.core import audit
from vigil.core.models import AuditEvent
from vigil.org.models import Agency, Committee, ContactPoint, Membership, Role

pytestmark = pytest.mark.django_db


def test_one_more_province_is_whole_scoped_and_verifies(
    client_for: Callable[[str], Client], client: Client
) -> None:
    committees, events = Committee.objects.count(), AuditEvent.objects.count()
    out = io.StringIO()
    call_command("seed", "demo", "--scale", "1", stdout=out)
    assert "Scale: 1 provinces" in out.getvalue()
    added = Committee.objects.count() - committees
    province = Committee.objects.filter(level="province").exclude(name__contains="Quảng Ninh").get()
    communes = province.children.count()
    assert communes > 10 and added == 1 + communes
    # Every bulk row has its event, and the chain still verifies end to end.
    assert AuditEvent.objects.count() - events > 4 * added
    assert audit.verify().ok
    # A commune's standing office sees its own contact point, not another commune's.
    commune = province.children.order_by("path").first()
    assert commune is not None and commune.standing_agency is not None
    officer = Membership.objects.get(agency=commune.standing_agency, role=Role.STANDING_OFFICE).user
    client.force_login(officer)
    own = ContactPoint.objects.get(agency=commune.standing_agency)
    other = ContactPoint.objects.filter(owning_committee__parent=province).exclude(
        owning_committee=commune
    )[0]
    assert client.get(f"/contacts/{own.pk}/").status_code == 200
    assert client.get(f"/contacts/{other.pk}/").status_code == 404
    # The scale accounts sign in with the demo password.
    assert User.objects.get(pk=officer.pk).check_password("vigil-demo-2026")
    # Quảng Ninh's people do not see the new province's contact points.
    qn = client_for("thuongtruc").get(f"/contacts/{own.pk}/")
    assert qn.status_code == 404
    assert Agency.objects.filter(committee=province).count() >= 30


def test_a_scale_out_of_range_is_refused() -> None:
    with pytest.raises(CommandError, match="--scale"):
        call_command("seed", "demo", "--scale", "-1")


def test_only_the_system_writes_audit_events_in_bulk(persona: Callable[[str], User]) -> None:
    from django.db import transaction

    with pytest.raises(TypeError), transaction.atomic():
        audit.record_many("user.created", actor=persona("quantri"), entries=[])  # type: ignore[arg-type]


def test_the_tree_opens_along_the_users_branch_and_on_demand(
    client_for: Callable[[str], Client],
) -> None:
    call_command("seed", "demo", "--scale", "1", stdout=io.StringIO())
    other = Committee.objects.filter(level="province").exclude(name__contains="Quảng Ninh").get()
    commune = other.children.order_by("path").first()
    assert commune is not None
    client = client_for("thuongtruc")
    body = client.get("/committees/").content.decode()
    assert "phường Móng Cái 1" in body  # own province: opened
    assert other.name in body and commune.name not in body  # another province: closed
    assert f"?open={other.pk}" in body
    assert commune.name in client.get(f"/committees/?open={other.pk}").content.decode()
    # A search lists matches anywhere in the tree.
    assert commune.name in client.get("/committees/", {"q": commune.name}).content.decode()
