"""What a security review found: the two-person rule over every hand on a draft, an
alert at least as classified as what it names, and nothing named to a reader who may
not see it (the CAP export, the original of an update)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from tests.situation.alerts.helpers import agency, committee, draft, fields, issued, user
from vigil.core.audit import SystemActor
from vigil.sites.models import KeySite
from vigil.situation.alerts import services
from vigil.situation.cap.writer import alert_to_cap
from vigil.situation.incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_a_leader_who_changed_the_draft_may_not_approve_it() -> None:
    alert = draft()
    services.change_draft(alert, actor=user("lanhdao"), headline="Tiêu đề do lãnh đạo sửa")
    assert not services.may_approve(user("lanhdao"), alert)
    with pytest.raises(PermissionDenied):
        services.approve(alert, actor=user("lanhdao"))
    alert.refresh_from_db()
    assert alert.state == "draft" and not alert.deliveries.exists()


def test_vigil_does_not_approve_a_rule_draft_a_person_changed() -> None:
    rule = SystemActor("controlled.stock_count")
    alert = services.draft_alert(committee(), actor=rule, raised_by_rule=rule.name, **fields())
    assert services.may_approve(rule, alert)
    services.change_draft(alert, actor=user("thuongtruc"), headline="Sửa tay")
    assert not services.may_approve(rule, alert)
    with pytest.raises(PermissionDenied):
        services.approve(alert, actor=rule)


def test_an_alert_is_at_least_as_classified_as_the_incident_it_names() -> None:
    secret = Incident.objects.filter(classification__gt=0).order_by("pk").first()
    assert secret is not None
    alert = draft(incidents=[secret])
    assert alert.classification >= secret.classification


def test_the_cap_export_names_no_site_the_reader_may_not_see() -> None:
    site = KeySite.objects.filter(classification=0, latitude__isnull=False).order_by("pk").first()
    assert site is not None
    alert = issued(sites=[site], addressed_agencies=[agency("SCT")])
    assert site.name in alert_to_cap(alert, viewer=user("thuongtruc")).decode()
    KeySite.objects.filter(pk=site.pk).update(classification=1)  # raised after the alert
    shown = alert_to_cap(alert, viewer=user("congthuong")).decode()
    assert site.name not in shown and str(site.latitude) not in shown


def test_an_update_does_not_show_its_original_to_a_reader_who_may_not_see_it(
    client_for: Callable[[str], Client],
) -> None:
    original = issued(addressed_agencies=[agency("BĐBP")], headline="Bản gốc chỉ gửi Biên phòng")
    update = services.draft_update(
        original, actor=user("thuongtruc"), headline="Cập nhật gửi Sở Công Thương",
        addressed_agencies=[agency("SCT")],
    )  # fmt: skip
    services.approve(update, actor=user("lanhdao"))
    page = client_for("congthuong").get(reverse("situation:alert_detail", args=[update.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Cập nhật gửi Sở Công Thương" in text
    assert "Bản gốc chỉ gửi Biên phòng" not in text
    assert reverse("situation:alert_detail", args=[original.pk]) + '"' not in text
