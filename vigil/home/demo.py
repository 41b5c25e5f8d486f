"""`vigil seed demo`: every app's demo data, through the services."""

from __future__ import annotations

from vigil.controlled.demo import seed_controlled
from vigil.core import clock
from vigil.core.admin_units import import_admin_units
from vigil.core.audit import SystemActor
from vigil.core.workdays import seed_holidays
from vigil.exercises.demo import seed_exercises
from vigil.inbox.demo import seed_inbox
from vigil.org.demo import OrgWorld, seed_org
from vigil.org.models import Committee
from vigil.reports.commendations.demo import seed_commendations
from vigil.reports.demo import seed_reports
from vigil.sites.demo import seed_sites
from vigil.situation.demo import seed_situation
from vigil.work.demo import seed_work
from vigil.work.obligations.demo import seed_obligations


def is_seeded() -> bool:
    return Committee.objects.exists()


def seed_demo() -> OrgWorld:
    actor = SystemActor("seed")
    import_admin_units(actor=actor)
    year = clock.today().year
    seed_holidays([year, year + 1], actor=actor)
    # No transaction around the seed: each use case it calls is durable (opens and
    # commits its own), so an enclosing one would refuse them.
    world = seed_org(actor)
    seed_inbox(world, actor)
    seed_controlled(world, actor)
    seed_work(world, actor)
    seed_obligations(world, actor)
    seed_sites(world, actor)
    seed_situation(world, actor)
    seed_exercises(world, actor)
    seed_commendations(world, actor)
    seed_reports(world, actor)
    return world
