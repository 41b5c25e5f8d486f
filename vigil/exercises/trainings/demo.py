"""The demo's part of this concept (filled by its builder)."""

from __future__ import annotations

from typing import Any

from vigil.core.audit import SystemActor
from vigil.org.demo import OrgWorld


def seed(world: OrgWorld, actor: SystemActor, exercises: dict[str, Any]) -> None:
    return None
