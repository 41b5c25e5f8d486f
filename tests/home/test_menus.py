"""The header menu and the sub-menus show what the user can use, and mark where they are."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
SUBNAV = "//nav[@class='subnav']/a"


def page(client: Client, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def main_menu(doc: lxml.html.HtmlElement) -> list[str]:
    return [a.text_content().strip() for a in doc.xpath("//nav[@class='main-nav']/a")]


def current(doc: lxml.html.HtmlElement, nav: str) -> list[tuple[str, str]]:
    return [
        (a.text_content().strip(), a.get("aria-current"))
        for a in doc.xpath(f"//nav[@class='{nav}']//a[@aria-current]")
    ]


def test_the_storekeeper_gets_no_directory_and_no_work(client_for: Callable[[str], Client]) -> None:
    menu = main_menu(page(client_for("kho_mo"), "/"))
    assert menu[0] == "Trang chủ"
    for useless in ("Ban Chỉ đạo", "Cơ quan, đơn vị", "Đơn vị hành chính", "Công tác"):
        assert useless not in menu
    assert "Vật liệu nổ" in menu
    assert menu[-1].startswith("Hộp thư")


def test_a_committee_member_gets_the_directory_and_work(
    client_for: Callable[[str], Client],
) -> None:
    menu = main_menu(page(client_for("thuongtruc"), "/"))
    for item in ("Ban Chỉ đạo", "Cơ quan, đơn vị", "Đơn vị hành chính", "Công tác", "Vật liệu nổ"):
        assert item in menu


@pytest.mark.parametrize("username", ["bienphong", "xa_a"])
def test_who_sees_no_store_gets_no_explosives_item(
    client_for: Callable[[str], Client], username: str
) -> None:
    assert "Vật liệu nổ" not in main_menu(page(client_for(username), "/"))


def test_tasks_issued_is_offered_only_to_the_issuing_side(
    client_for: Callable[[str], Client],
) -> None:
    url = reverse("work:task_list")
    officer = [a.text_content() for a in page(client_for("bienphong"), url).xpath(SUBNAV)]
    office = [a.text_content() for a in page(client_for("thuongtruc"), url).xpath(SUBNAV)]
    assert "Nhiệm vụ đã giao" not in officer
    assert "Nhiệm vụ đã giao" in office


def test_the_current_page_is_marked_in_the_menu_and_the_sub_menu(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("thuongtruc")
    doc = page(client, reverse("work:task_list") + "?view=issued&state=done")
    assert current(doc, "subnav") == [("Nhiệm vụ đã giao", "page")]
    assert current(doc, "main-nav") == [("Công tác", "true")]
    # Asked for nothing, the task list shows "my agency's tasks": that item is marked.
    doc = page(client, reverse("work:task_list"))
    assert current(doc, "subnav") == [("Nhiệm vụ của cơ quan tôi", "page")]
    doc = page(client, reverse("controlled:licence_list") + "?days=60")
    assert current(doc, "subnav") == [("Giấy phép sắp hết hạn", "page")]
    assert current(doc, "main-nav") == [("Vật liệu nổ", "true")]
    doc = page(client, "/")
    assert current(doc, "main-nav") == [("Trang chủ", "page")]


def test_the_admin_unit_list_starts_at_the_users_province(
    client_for: Callable[[str], Client],
) -> None:
    from vigil.core.models import AdminUnit

    province = AdminUnit.objects.get(name="Quảng Ninh", parent__isnull=True)
    client = client_for("xa_a")
    doc = page(client, reverse("org:admin_unit_list"))
    assert doc.xpath("//select[@id='id_province']/option[@selected]")[0].get("value") == str(
        province.pk
    )
    parents = {td.text_content() for td in doc.xpath("//div[@id='results']//tbody/tr/td[4]")}
    assert parents <= {"Quảng Ninh", "—"}
    # "All provinces" is still one pick away.
    doc = page(client, reverse("org:admin_unit_list") + "?province=")
    assert "Thành phố Hà Nội" in {
        td.text_content() for td in doc.xpath("//div[@id='results']//tbody/tr/td[4]")
    }
