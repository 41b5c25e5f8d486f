"""Alerts as CAP 1.2: valid against the OASIS XSD for Alert, Update, Cancel and Exercise."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from tests.situation.cap.helpers import (
    agency,
    committee,
    draft,
    issued,
    later,
    parse,
    text,
    user,
    xsd_errors,
)
from vigil.core.models import AdminUnit
from vigil.sites.models import KeySite
from vigil.situation.alerts import services
from vigil.situation.cap.writer import alert_to_cap, cap_time

pytestmark = pytest.mark.django_db
CAP_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


def test_cap_time_has_the_offset_and_no_fractions() -> None:
    at = dt.datetime(2024, 1, 23, 1, 30, 0, 123456, tzinfo=dt.UTC)
    assert cap_time(at) == "2024-01-23T08:30:00+07:00"
    local = dt.datetime(2026, 11, 25, 9, 0, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert cap_time(local) == "2026-11-25T09:00:05+07:00"


def test_an_issued_alert_is_valid_cap_with_both_languages_and_its_area() -> None:
    commune = AdminUnit.objects.get(code="06994")
    site = KeySite.objects.filter(latitude__isnull=False).first()
    assert site is not None
    alert = issued(
        headline_en="Bomb threat at Cai Lan port",
        expires_at=later(),
        communes=[commune],
        sites=[site],
    )
    data = alert_to_cap(alert, viewer=user("thuongtruc"))
    assert xsd_errors(data) == []
    root = parse(data)
    assert text(root, "cap:status") == ["Actual"]
    assert text(root, "cap:msgType") == ["Alert"]
    assert text(root, "cap:scope") == ["Restricted"]
    assert text(root, "cap:restriction")
    for path in ("cap:sent", "cap:info/cap:expires"):
        for value in text(root, path):
            assert CAP_TIME.fullmatch(value), value
            assert value.endswith("+07:00")
    assert text(root, "cap:info/cap:language") == ["vi-VN", "en-US"]
    assert text(root, "cap:info/cap:category") == ["Security", "Security"]
    assert text(root, "cap:info/cap:headline") == [alert.headline, "Bomb threat at Cai Lan port"]
    # English falls back to the Vietnamese text where no translation was given.
    assert text(root, "cap:info/cap:description") == [alert.description] * 2
    assert text(root, "cap:info/cap:area/cap:geocode/cap:value") == ["06994", "06994"]
    circle = text(root, "cap:info/cap:area/cap:circle")[0]
    assert circle == f"{site.latitude},{site.longitude} 0"


def test_update_and_cancel_reference_the_original_and_are_valid() -> None:
    original = issued()
    update = services.draft_update(original, actor=user("thuongtruc"), headline="Cập nhật")
    cancel = services.draft_cancel(original, actor=user("thuongtruc"), note="Báo động giả")
    assert original.sent_at is not None
    expected = f"{original.sender},{original.identifier},{cap_time(original.sent_at)}"
    for followup, kind in ((update, "Update"), (cancel, "Cancel")):
        data = alert_to_cap(followup, viewer=user("thuongtruc"))
        assert xsd_errors(data) == [], kind
        root = parse(data)
        assert text(root, "cap:msgType") == [kind]
        assert text(root, "cap:references") == [expected]


def test_an_exercise_says_so_in_status_note_and_headline() -> None:
    alert = issued(cap_status="Exercise")
    data = alert_to_cap(alert, viewer=user("thuongtruc"))
    assert xsd_errors(data) == []
    root = parse(data)
    assert text(root, "cap:status") == ["Exercise"]
    assert "DIỄN TẬP" in text(root, "cap:note")[0]
    assert all("DIỄN TẬP" in h for h in text(root, "cap:info/cap:headline"))


def test_a_private_alert_names_its_addressees_and_a_draft_is_valid_too() -> None:
    alert = draft(cap_scope="Private", addressed_committees=[committee()])
    data = alert_to_cap(alert, viewer=user("thuongtruc"))
    assert xsd_errors(data) == []
    root = parse(data)
    addresses = text(root, "cap:addresses")[0]
    sct = agency("SCT")
    assert (sct.electronic_code or f'"{sct.name}"') in addresses
    assert f'"{committee().name}"' in addresses
    assert text(root, "cap:restriction") == []


def test_a_classified_alert_carries_its_stamp_in_the_note() -> None:
    alert = issued(classification=1)
    data = alert_to_cap(alert, viewer=user("thuongtruc"))
    assert xsd_errors(data) == []
    assert "MẬT" in text(parse(data), "cap:note")[0]
