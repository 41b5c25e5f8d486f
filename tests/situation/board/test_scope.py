"""Scope of the alert pages, persona by persona, for the two alert cases of
docs/scope-cases.md (5: to commune A's committee, Thường; 7: Mật, to the Border
Guard); a classified alert's page is audited as a read, its polled board is not."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PERSONA_NAMES
from tests.situation.alerts.helpers import A, agency, committee, issued
from vigil.core.classification import Classification
from vigil.core.models import AuditEvent

pytestmark = pytest.mark.django_db

CASES = {5: "YYNNYNYNY", 7: "YYNYNNYNN"}
READS = ("alert_detail", "alert_board")
WRITES = ("alert_edit", "alert_approve", "alert_acknowledge", "alert_ack_code",
          "alert_update", "alert_cancel")  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_alert_pages_follow_the_scope_cases(
    case: int, client_for: Callable[[str], Client]
) -> None:
    if case == 5:
        alert = issued(addressed_agencies=[], addressed_committees=[committee(A)])
    else:
        alert = issued(addressed_agencies=[agency("BĐBP")],
                       classification=Classification.CONFIDENTIAL)  # fmt: skip
    for column, username in enumerate(PERSONA_NAMES):
        visible = CASES[case][column] == "Y"
        client = client_for(username)
        for name in READS:
            response = client.get(reverse(f"situation:{name}", kwargs={"pk": alert.pk}))
            assert response.status_code == (200 if visible else 404), (username, name)
        for name in WRITES:
            response = client.get(reverse(f"situation:{name}", kwargs={"pk": alert.pk}))
            expected = (200, 403) if visible else (404,)
            assert response.status_code in expected, (username, name)
        listed = client.get(reverse("situation:alert_list")).context["page"]
        assert (alert.pk in {a.pk for a in listed.paginator.object_list}) is visible, username


def test_a_classified_alert_is_audited_once_per_page_and_not_per_poll(
    client_for: Callable[[str], Client],
) -> None:
    alert = issued(addressed_agencies=[agency("BĐBP")], classification=Classification.CONFIDENTIAL)
    client = client_for("bienphong")
    views = AuditEvent.objects.filter(action="object.viewed")
    before = views.count()
    assert client.get(reverse("situation:alert_detail", kwargs={"pk": alert.pk})).status_code == 200
    assert views.count() == before + 1
    board = reverse("situation:alert_board", kwargs={"pk": alert.pk})
    client.get(board)
    assert views.count() == before + 2
    for _ in range(3):
        client.get(board, headers={"HX-Request": "true"})
    assert views.count() == before + 2
