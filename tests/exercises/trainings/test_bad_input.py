"""Bad input is refused clearly, in Vietnamese, and nothing is written: a negative
count, a training that ends before it starts, an audience agency outside the
committee's tree, a classification above the user's clearance. On the service, the
page, the API and the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from vigil.core import clock
from vigil.core.models import AuditEvent
from vigil.exercises.trainings import services
from vigil.exercises.trainings.models import Training, TrainingAudience
from vigil.exercises.trainings.services import AudienceSpec
from vigil.org.models import Agency, Committee

pytestmark = pytest.mark.django_db

NEGATIVE = "Số lượng không được âm."
BACKWARDS = "Lớp tập huấn không thể kết thúc trước khi bắt đầu."


@pytest.fixture
def nothing_written() -> Iterator[None]:
    counts = (Training.objects.count(), TrainingAudience.objects.count(),
              AuditEvent.objects.filter(action__startswith="training.").count())  # fmt: skip
    yield
    assert (Training.objects.count(), TrainingAudience.objects.count(),
            AuditEvent.objects.filter(action__startswith="training.").count()) == counts  # fmt: skip


def _day(days: int = 0) -> dt.date:
    return clock.today() + dt.timedelta(days=days)


# --- the service


def test_the_service_refuses_a_negative_count(
    persona: Callable[[str], Any], committee: Callable[[str], Committee],
    agency: Callable[[str], Agency], nothing_written: None,
) -> None:  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.plan_training(committee("a"), actor=persona("xa_a"), topic="T",
                               starts_on=_day(), ends_on=_day(),
                               audience=[AudienceSpec(agency("police_a"), -3)])  # fmt: skip
    assert refused.value.message_dict == {"audience": [NEGATIVE]}


def test_the_service_refuses_an_end_before_the_start(
    persona: Callable[[str], Any], committee: Callable[[str], Committee],
    trainings: dict[str, Training], nothing_written: None,
) -> None:  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.plan_training(committee("a"), actor=persona("xa_a"), topic="T",
                               starts_on=_day(2), ends_on=_day(1))  # fmt: skip
    assert refused.value.message_dict == {"ends_on": [BACKWARDS]}
    b = trainings["b"]
    with pytest.raises(ValidationError):
        services.change_training(b, actor=persona("thuongtruc"), ends_on=b.starts_on - dt.timedelta(days=1))  # fmt: skip
    b.refresh_from_db()
    assert b.ends_on >= b.starts_on and b.version == 1


def test_the_service_refuses_a_held_count_below_zero(
    persona: Callable[[str], Any], trainings: dict[str, Training],
    agency: Callable[[str], Agency],
) -> None:  # fmt: skip
    xa_a = persona("xa_a")
    training = services.plan_training(trainings["a"].owning_committee, actor=xa_a, topic="T",
                                      starts_on=_day(), ends_on=_day())  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.record_held(training, actor=xa_a, audience=[AudienceSpec(agency("police_a"), -1)])
    assert refused.value.message_dict == {"audience": [NEGATIVE]}
    training.refresh_from_db()
    assert training.status == "planned" and not training.audience.exists()


def test_an_audience_agency_outside_the_committees_tree_is_refused(
    persona: Callable[[str], Any], committee: Callable[[str], Committee],
    agency: Callable[[str], Agency], nothing_written: None,
) -> None:  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.plan_training(committee("a"), actor=persona("xa_a"), topic="T",
                               starts_on=_day(), ends_on=_day(),
                               audience=[AudienceSpec(agency("police_b"), 5)])  # fmt: skip
    assert "Công an phường Móng Cái 1" in refused.value.message_dict["audience"][0]
    with pytest.raises(ValidationError) as refused:
        services.plan_training(committee("a"), actor=persona("xa_a"), topic="T",
                               starts_on=_day(), ends_on=_day(),
                               organising_agency=agency("police_b"))  # fmt: skip
    assert "organising_agency" in refused.value.message_dict


def test_a_classification_above_the_users_clearance_is_refused(
    persona: Callable[[str], Any], committee: Callable[[str], Committee],
    nothing_written: None,
) -> None:  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.plan_training(committee("a"), actor=persona("xa_a"), topic="T",
                               starts_on=_day(), ends_on=_day(), classification=1)  # fmt: skip
    assert "classification" in refused.value.message_dict
    with pytest.raises(ValidationError):  # thuongtruc is cleared for Mật, not Tối mật
        services.plan_training(committee("province"), actor=persona("thuongtruc"), topic="T",
                               starts_on=_day(), ends_on=_day(), classification=2)  # fmt: skip


# --- the page


def _form(committee: Committee, **more: Any) -> dict[str, Any]:
    data = {
        "committee": committee.pk, "topic": "Tập huấn thử", "starts_on": _day(3).strftime("%d/%m/%Y"),
        "ends_on": _day(3).strftime("%d/%m/%Y"), "classification": 0,
        "audience-TOTAL_FORMS": 3, "audience-INITIAL_FORMS": 0,
        "audience-MIN_NUM_FORMS": 0, "audience-MAX_NUM_FORMS": 100,
    }  # fmt: skip
    return data | more


def test_the_page_refuses_a_negative_count(
    client_for: Callable[[str], Client], committee: Callable[[str], Committee],
    agency: Callable[[str], Agency], nothing_written: None,
) -> None:  # fmt: skip
    response = client_for("xa_a").post("/exercises/trainings/new/", _form(
        committee("a"), **{"audience-0-agency": agency("police_a").pk,
                           "audience-0-participants": -4}))  # fmt: skip
    assert response.status_code == 400
    assert NEGATIVE in response.content.decode()


def test_the_page_refuses_an_end_before_the_start(
    client_for: Callable[[str], Client], committee: Callable[[str], Committee],
    nothing_written: None,
) -> None:  # fmt: skip
    response = client_for("xa_a").post("/exercises/trainings/new/", _form(
        committee("a"), ends_on=_day(1).strftime("%d/%m/%Y")))  # fmt: skip
    assert response.status_code == 400
    assert BACKWARDS in response.content.decode()
    assert response.context["form"].errors["ends_on"] == [BACKWARDS]


def test_the_page_refuses_an_agency_outside_the_tree(
    client_for: Callable[[str], Client], committee: Callable[[str], Committee],
    agency: Callable[[str], Agency], nothing_written: None,
) -> None:  # fmt: skip
    response = client_for("xa_a").post("/exercises/trainings/new/", _form(
        committee("a"), **{"audience-0-agency": agency("police_b").pk,
                           "audience-0-participants": 4}))  # fmt: skip
    assert response.status_code == 400
    assert "Công an phường Móng Cái 1: không thuộc" in response.content.decode()


# --- the API


def _post(api: Client, body: dict[str, Any]) -> Any:
    return api.post("/api/v1/trainings/", json.dumps(body), content_type="application/json")


def test_the_api_refuses_a_negative_count(
    api_for: Callable[..., Client], committee: Callable[[str], Committee],
    agency: Callable[[str], Agency], nothing_written: None,
) -> None:  # fmt: skip
    response = _post(api_for("xa_a", scope="write"), {
        "committee": committee("a").pk, "topic": "T", "starts_on": _day().isoformat(),
        "ends_on": _day().isoformat(),
        "audience": [{"agency": agency("police_a").pk, "participants": -2}],
    })  # fmt: skip
    assert response.status_code == 400
    assert NEGATIVE in json.dumps(response.json(), ensure_ascii=False)


def test_the_api_refuses_an_end_before_the_start(
    api_for: Callable[..., Client], committee: Callable[[str], Committee],
    trainings: dict[str, Training], nothing_written: None,
) -> None:  # fmt: skip
    api = api_for("xa_a", scope="write")
    response = _post(api, {"committee": committee("a").pk, "topic": "T",
                           "starts_on": _day(2).isoformat(), "ends_on": _day(1).isoformat()})  # fmt: skip
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["ends_on"] == [BACKWARDS]
    a = trainings["a"]
    response = api.patch(f"/api/v1/trainings/{a.pk}/", json.dumps(
        {"version": a.version, "ends_on": (a.starts_on - dt.timedelta(days=1)).isoformat()}),
        content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["ends_on"] == [BACKWARDS]


# --- the command line


def test_the_command_refuses_a_negative_count_and_an_end_before_the_start(
    committee: Callable[[str], Committee], agency: Callable[[str], Agency],
    nothing_written: None,
) -> None:  # fmt: skip
    a = str(committee("a").pk)
    with pytest.raises(CommandError, match=NEGATIVE):
        call_command("trainings", "plan", "--as", "xa_a", "--committee", a, "--topic", "T",
                     "--starts", _day().strftime("%d/%m/%Y"),
                     "--audience", f"{agency('police_a').pk}=-5", stdout=io.StringIO())  # fmt: skip
    with pytest.raises(CommandError, match=BACKWARDS):
        call_command("trainings", "plan", "--as", "xa_a", "--committee", a, "--topic", "T",
                     "--starts", _day(2).strftime("%d/%m/%Y"),
                     "--ends", _day(1).strftime("%d/%m/%Y"), stdout=io.StringIO())  # fmt: skip
