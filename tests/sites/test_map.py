"""The sites map: its page, and its data endpoint through the scope rule and the
classification, as a compact GeoJSON FeatureCollection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.sites.helpers import new_site
from vigil.core.audit import CoreAction
from vigil.core.classification import Classification
from vigil.core.models import AuditEvent
from vigil.org.models import Committee
from vigil.sites import demo
from vigil.sites.models import KeySite

pytestmark = pytest.mark.django_db
MAP = "/api/v1/sites/map/"


def _names(body: dict[str, Any]) -> set[str]:
    return {feature["properties"]["name"] for feature in body["features"]}


def test_the_map_data_is_a_compact_geojson_feature_collection(
    api_for: Callable[..., Client],
) -> None:
    response = api_for("thuongtruc").get(MAP)
    assert response.status_code == 200
    raw = response.content.decode()
    assert "\n" not in raw and ": " not in raw and ", " not in raw  # compact
    body = response.json()
    assert body["type"] == "FeatureCollection"
    seaport = KeySite.objects.get(name=demo.SEAPORT)
    feature = next(f for f in body["features"] if f["id"] == seaport.pk)
    assert feature == {
        "type": "Feature",
        "id": seaport.pk,
        "geometry": {"type": "Point", "coordinates": [107.0631, 20.9534]},  # [lon, lat]
        "properties": {"name": demo.SEAPORT, "state": "overdue", "risk": 60},
    }
    states = {f["properties"]["name"]: f["properties"]["state"] for f in body["features"]}
    assert states[demo.AIRPORT] == "review_due"
    assert states[demo.COAL_MINE] == "not_approved"


def test_only_sites_with_coordinates_and_not_archived_are_on_the_map(
    api_for: Callable[..., Client],
) -> None:
    new_site("Nhà ga không tọa độ")
    new_site("Nhà ga đã lưu trữ", latitude="21.0", longitude="107.0")
    KeySite.objects.filter(name="Nhà ga đã lưu trữ").update(archived=True)
    names = _names(api_for("thuongtruc").get(MAP).json())
    assert demo.SEAPORT in names
    assert "Nhà ga không tọa độ" not in names and "Nhà ga đã lưu trữ" not in names


def test_xa_b_does_not_get_xa_a_site_in_the_map_data(api_for: Callable[..., Client]) -> None:
    b = Committee.objects.get(name__endswith="phường Móng Cái 1")
    new_site("Bến xe Móng Cái", committee=b, latitude="21.52", longitude="107.96")
    assert _names(api_for("xa_a").get(MAP).json()) == {demo.AIRPORT}
    # Commune B's own (unclassified) site, not commune A's airport.
    assert _names(api_for("xa_b").get(MAP).json()) == {"Bến xe Móng Cái"}


def test_a_site_above_the_clearance_is_absent_from_the_map_data(
    api_for: Callable[..., Client],
) -> None:
    new_site("Mục tiêu tối mật", latitude="21.1", longitude="107.2",
             classification=Classification.SECRET)  # fmt: skip
    assert "Mục tiêu tối mật" in _names(api_for("lanhdao").get(MAP).json())
    assert "Mục tiêu tối mật" not in _names(api_for("thuongtruc").get(MAP).json())


def test_the_map_data_takes_the_list_filters(api_for: Callable[..., Client]) -> None:
    api = api_for("thuongtruc")
    assert _names(api.get(MAP, {"q": "cua khau mong cai"}).json()) == {demo.BORDER_GATE}
    assert _names(api.get(MAP, {"state": "overdue"}).json()) == {demo.SEAPORT}
    assert api.get(MAP, {"state": "nonsense"}).status_code == 400


def test_classified_sites_on_the_map_are_a_recorded_view(api_for: Callable[..., Client]) -> None:
    before = AuditEvent.objects.filter(action=CoreAction.OBJECT_VIEWED).count()
    api_for("thuongtruc").get(MAP)
    assert AuditEvent.objects.filter(action=CoreAction.OBJECT_VIEWED).count() == before + 1


def test_the_map_page_names_its_data_with_the_page_filters_and_no_outside_source(
    client_for: Callable[[str], Client],
) -> None:
    response = client_for("thuongtruc").get("/sites/map/", {"q": "Hạ Long", "state": "overdue"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-url="/api/v1/sites/map/?q=H%E1%BA%A1+Long&amp;state=overdue"' in body
    assert 'data-tiles=""' in body
    assert "/static/vendor/leaflet/leaflet.js" in body
    assert "/static/sites/map.js" in body
    assert "<script>" not in body and "http://" not in body.replace(
        'xmlns="http://', ""
    ) and "https://" not in body  # fmt: skip


def test_the_header_links_the_sites_and_the_map(client_for: Callable[[str], Client]) -> None:
    body = client_for("xa_a").get("/").content.decode()
    assert 'href="/sites/"' in body and 'href="/sites/map/"' in body
    page = client_for("thuongtruc").get("/sites/map/").content.decode()
    assert 'href="/sites/map/" aria-current="page"' in page


def test_the_vendored_leaflet_files_are_found_by_staticfiles() -> None:
    from django.contrib.staticfiles import finders

    for path in (
        "vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css",
        "vendor/leaflet/images/layers.png", "vendor/leaflet-markercluster/MarkerCluster.css",
        "vendor/leaflet-markercluster/leaflet.markercluster-src.js",
    ):  # fmt: skip
        assert finders.find(path), path
    assert not finders.find("vendor/leaflet/leaflet-src.esm.js")


def test_the_map_data_costs_the_same_queries_for_more_sites(
    api_for: Callable[..., Client],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.sites.helpers import new_plan

    api = api_for("thuongtruc")
    api.get(MAP)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(MAP).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(5):
        plan = new_plan(f"KB-BD {i:02d}")
        KeySite.objects.filter(plans=plan).update(latitude="21.2", longitude="107.3")
    assert count() == before
