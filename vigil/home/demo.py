"""`vigil seed demo`: every app's demo data, through the services."""

from __future__ import annotations

from django.db import transaction

from vigil.core.admin_units import import_admin_units
from vigil.core.audit import SystemActor
from vigil.org.demo import OrgWorld, seed_org
from vigil.org.models import Committee


def is_seeded() -> bool:
    return Committee.objects.exists()


def seed_demo() -> OrgWorld:
    actor = SystemActor("seed")
    import_admin_units(actor=actor)
    with transaction.atomic():
        return seed_org(actor)
