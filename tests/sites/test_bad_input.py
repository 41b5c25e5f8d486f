"""Bad input is refused with a clear Vietnamese message, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.sites.helpers import new_site, police, province
from vigil.core.models import AuditEvent
from vigil.sites.models import KeySite, SiteCategory

pytestmark = pytest.mark.django_db
LATITUDE = "Vĩ độ phải nằm trong lãnh thổ Việt Nam: từ 6,0 đến 23,5 độ Bắc."
LONGITUDE = "Kinh độ phải nằm trong lãnh thổ Việt Nam: từ 102,0 đến 118,0 độ Đông."


@pytest.mark.parametrize(
    ("latitude", "longitude", "field", "message"),
    [
        ("5.99", "107.0", "latitude", LATITUDE),
        ("23.51", "107.0", "latitude", LATITUDE),
        ("21.0", "101.99", "longitude", LONGITUDE),
        ("21.0", "118.01", "longitude", LONGITUDE),
    ],
)
def test_coordinates_outside_vietnam_are_refused(
    latitude: str, longitude: str, field: str, message: str
) -> None:
    sites, events = KeySite.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        new_site(latitude=latitude, longitude=longitude)
    assert info.value.message_dict[field] == [message]
    assert (KeySite.objects.count(), AuditEvent.objects.count()) == (sites, events)


def test_the_islands_fit() -> None:
    site = new_site("Đảo thử", latitude="8.65", longitude="117.9")
    assert site.pk


def test_the_form_shows_the_message_under_the_field(client_for: Callable[[str], Client]) -> None:
    sites = KeySite.objects.count()
    response = client_for("thuongtruc").post(
        "/sites/new/",
        {"committee": province().pk, "name": "Nhà máy thử", "category": SiteCategory.objects.get(code="other").pk,
         "responsible_agency": police().pk, "criticality": 3, "classification": 0,
         "latitude": "30.5", "longitude": "107.0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert LATITUDE in response.content.decode()
    assert KeySite.objects.count() == sites
