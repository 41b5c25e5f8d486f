"""The situation's demo: incidents, a flash report on one of them, and alerts.

Through the services, as a user would make them; called by ``vigil seed demo``
after the sites (incidents happen at the seeded key sites)."""

from __future__ import annotations

from typing import Any

from vigil.core.audit import SystemActor
from vigil.org.demo import OrgWorld
from vigil.situation.alerts.demo import seed_alerts
from vigil.situation.flash import services as flash
from vigil.situation.incidents.demo import seed_incidents
from vigil.situation.models import UrgencyMark


def seed_situation(world: OrgWorld, actor: SystemActor) -> dict[str, Any]:
    incidents = seed_incidents(world, actor)
    # The contained incident at the seaport was reported up (by the seed: every write of
    # the demo is the seed's, so its audit chain is the seed's alone).
    seaport = incidents["seaport"]
    form, title, name = flash.default_signer(seaport.owning_committee)
    report = flash.issue_flash_report(
        seaport,
        actor=actor,
        urgency_mark=UrgencyMark.HOA_TOC,
        signer_title=title,
        signer_name=name,
        signing_form=form,
    )
    alerts = seed_alerts(world, actor, incidents)
    return {"incidents": incidents, "flash_report": report, "alerts": alerts}
