"""Reads shared by work's pages and API."""

from __future__ import annotations

from django.db.models import QuerySet

from vigil.org.models import Committee
from vigil.org.scope import Viewer, committees_with_role
from vigil.work import services


def issuer_committees(user: Viewer) -> QuerySet[Committee]:
    return Committee.objects.filter(pk__in=committees_with_role(user, *services.ISSUER_ROLES))
