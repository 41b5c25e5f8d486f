"""The org app's figures for the home page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.org.models import Agency, Committee, ContactPoint


def summary_for(user: Any) -> dict[str, Any]:
    return {
        "title": _("Directory"),
        "items": [
            {
                "label": _("Committees"),
                "value": Committee.objects.visible_to(user).count(),
                "url": reverse("org:committee_tree"),
            },
            {
                "label": _("Agencies"),
                "value": Agency.objects.visible_to(user).count(),
                "url": reverse("org:agency_list"),
            },
            {
                "label": _("Contact points"),
                "value": ContactPoint.objects.visible_to(user).count(),
                "url": None,
            },
        ],
    }
