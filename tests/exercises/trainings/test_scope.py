"""Who sees which training: commune A's is not found for commune B; a Mật one is
not found below that clearance; the audience's agencies see theirs; a classified
training shown is audited."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from vigil.core.models import AuditEvent
from vigil.exercises.trainings.models import Training

pytestmark = pytest.mark.django_db


def _listed(client: Client) -> set[int]:
    return {row["id"] for row in client.get("/api/v1/trainings/?page_size=500").json()["results"]}


def test_commune_a_training_is_not_found_for_commune_b(
    trainings: dict[str, Training], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    a = trainings["a"]
    xa_b = client_for("xa_b")
    for path in ("", "edit/", "held/", "cancel/"):
        assert xa_b.get(f"/exercises/trainings/{a.pk}/{path}").status_code == 404, path
    assert xa_b.post(f"/exercises/trainings/{a.pk}/attach/").status_code == 404
    api = api_for("xa_b", scope="write")
    assert api.get(f"/api/v1/trainings/{a.pk}/").status_code == 404
    assert api.post(f"/api/v1/trainings/{a.pk}/held/", "{}",
                    content_type="application/json").status_code == 404  # fmt: skip
    assert a.pk not in _listed(api)
    assert a.topic not in xa_b.get("/exercises/trainings/").content.decode()
    assert client_for("xa_a").get(f"/exercises/trainings/{a.pk}/").status_code == 200
    assert a.pk in _listed(api_for("xa_a"))


def test_a_classified_training_is_not_found_below_its_clearance(
    trainings: dict[str, Training], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    b = trainings["b"]  # commune B's, Mật: its own standing office is cleared for Thường only
    assert b.classification == 1
    assert client_for("xa_b").get(f"/exercises/trainings/{b.pk}/").status_code == 404
    assert api_for("xa_b").get(f"/api/v1/trainings/{b.pk}/").status_code == 404
    assert b.pk not in _listed(api_for("xa_b"))
    with pytest.raises(CommandError):
        call_command("trainings", "show", str(b.pk), "--as", "xa_b", stdout=io.StringIO())
    assert client_for("thuongtruc").get(f"/exercises/trainings/{b.pk}/").status_code == 200


def test_reading_a_classified_training_is_audited(
    trainings: dict[str, Training], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    b = trainings["b"]
    views = AuditEvent.objects.filter(action="object.viewed", object_id=str(b.pk))
    before = views.count()
    client_for("thuongtruc").get(f"/exercises/trainings/{b.pk}/")
    api_for("kiemtoan").get(f"/api/v1/trainings/{b.pk}/")
    assert views.count() == before + 2
    page = client_for("thuongtruc").get("/exercises/trainings/")
    assert "MẬT" in page.content.decode()  # the list's stamp
    shown = (
        AuditEvent.objects.filter(action="object.viewed", object_type="page")
        .order_by("-seq")
        .first()
    )
    assert shown is not None and shown.after is not None
    assert f"exercises.training:{b.pk}" in shown.after["shown"]


def test_the_audience_sees_the_training_it_attended(
    trainings: dict[str, Training], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    province = trainings["province"]  # Sở Công Thương is in its audience
    congthuong = client_for("congthuong")
    assert congthuong.get(f"/exercises/trainings/{province.pk}/").status_code == 200
    assert congthuong.get(f"/exercises/trainings/{province.pk}/edit/").status_code == 403
    page = congthuong.get(f"/exercises/trainings/{province.pk}/").content.decode()
    assert f"/exercises/trainings/{province.pk}/edit/" not in page
    assert "Sở Công Thương" in page and 'name="file"' not in page  # no upload: not a keeper
    assert _listed(api_for("congthuong")) == {province.pk}
    assert client_for("bienphong").get(f"/exercises/trainings/{province.pk}/").status_code == 404


def test_the_auditor_reads_and_may_not_write(
    trainings: dict[str, Training], client_for: Callable[[str], Client],
) -> None:  # fmt: skip
    kiemtoan = client_for("kiemtoan")
    a = trainings["a"]
    assert kiemtoan.get(f"/exercises/trainings/{a.pk}/").status_code == 200
    for path in ("edit/", "held/", "cancel/"):
        assert kiemtoan.get(f"/exercises/trainings/{a.pk}/{path}").status_code == 403
    assert kiemtoan.get("/exercises/trainings/new/").status_code == 404
