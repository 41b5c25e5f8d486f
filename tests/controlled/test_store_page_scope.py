"""The store page reads a store's balances, like its inspections, through the one
scope rule: what it lists is exactly ``Balance.objects.visible_to`` for that store.

Balances copy their store's owner, committee and licenser, so for the demo's
personas the rule and the store's reach agree; this pins that they keep agreeing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.conftest import PERSONA_NAMES
from vigil.controlled.models import Balance, Store

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_the_store_page_lists_the_balances_the_rule_shows(
    username: str, persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    user = persona(username)
    client = client_for(username)
    for store in Store.objects.visible_to(user):
        response = client.get(store.get_absolute_url())
        assert response.status_code == 200
        shown = {row["balance"].pk for row in response.context["balances"]}
        ruled = Balance.objects.visible_to(user).filter(store=store, quantity__gt=0)
        assert shown == set(ruled.values_list("pk", flat=True))
