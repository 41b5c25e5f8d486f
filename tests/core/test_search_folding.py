from collections.abc import Callable

import pytest
from django.test import Client

from vigil.core.models import AdminUnit
from vigil.core.search import fold, folded_query


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Quảng Ninh", "quang ninh"),
        ("Đông Triều", "dong trieu"),
        ("khủng bố", "khung bo"),  # letters with two marks
        ("ĐẶC KHU  Vân   Đồn", "dac khu van don"),
        ("Ưu tiên ơi", "uu tien oi"),
    ],
)
def test_fold_removes_every_mark_and_folds_d(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.django_db
def test_searching_without_diacritics_finds_units_with_them() -> None:
    assert (
        AdminUnit.objects.filter(folded_query("name_folded", "quang ninh"))
        .filter(code="22")
        .exists()
    )
    found = AdminUnit.objects.filter(folded_query("name_folded", "dong trieu"))
    assert {u.name for u in found} == {"Phường Đông Triều"}


@pytest.mark.django_db
def test_the_agency_page_searches_without_diacritics(client_for: Callable[[str], Client]) -> None:
    response = client_for("congthuong").get("/agencies/", {"q": "so cong thuong"})
    assert "Sở Công Thương" in response.content.decode()
    assert "Sở Y tế" not in response.content.decode()


@pytest.mark.django_db
def test_the_agency_search_answers_htmx_with_the_results_only(
    client_for: Callable[[str], Client],
) -> None:
    response = client_for("congthuong").get(
        "/agencies/", {"q": "bien phong"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">')
    assert "Bộ Chỉ huy Bộ đội Biên phòng tỉnh" in body


@pytest.mark.django_db
def test_the_api_searches_without_diacritics(api_for: Callable[..., Client]) -> None:
    rows = api_for("xa_a").get("/api/v1/admin-units/", {"q": "dong trieu"}).json()["results"]
    assert [r["name"] for r in rows] == ["Phường Đông Triều"]


@pytest.mark.django_db
def test_the_unit_page_lists_the_communes_of_a_province_and_keeps_filters_when_paging(
    client_for: Callable[[str], Client],
) -> None:
    province = AdminUnit.objects.get(code="22")
    response = client_for("xa_a").get("/admin-units/", {"province": province.pk})
    body = response.content.decode()
    assert "Đặc khu Cô Tô" in body
    assert response.context["page"].paginator.count == 55  # the province and its 54 units
    all_units = client_for("xa_a").get("/admin-units/", {"q": "xa"})
    assert "q=xa&amp;page=2" in all_units.content.decode()
