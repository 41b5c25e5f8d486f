"""The registry's figures for the home page: licences that expire soon, and the stores
the user keeps or watches. Each links to the list of exactly what it counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.controlled.models import Licence, Store
from vigil.core import clock
from vigil.org.scope import Role, Viewer

EXPIRY_DAYS = 60  # the licence list's "expiring" filter


def summary_for(user: Viewer) -> dict[str, Any]:
    stores = Store.objects.visible_to(user)
    if not stores.exists():
        return {"title": _("Explosives"), "items": [], "roles": ()}
    today = clock.today()
    expiring = Licence.objects.visible_to(user).filter(
        status=Licence.Status.ACTIVE,
        valid_to__gte=today,
        valid_to__lte=today + dt.timedelta(days=EXPIRY_DAYS),
    )
    return {
        "title": _("Explosives"),
        "items": [
            {
                "label": _("licences expiring within 60 days"),
                "value": expiring.count(),
                "url": reverse("controlled:licence_list") + f"?days={EXPIRY_DAYS}",
                "urgency": "waiting",
            },
            {
                "label": _("stores and their balances"),
                "value": stores.count(),
                "url": reverse("controlled:store_list"),
            },
        ],
        "roles": (Role.STOREKEEPER, Role.OFFICER, Role.STANDING_OFFICE, Role.COMMITTEE_LEADER),
    }
