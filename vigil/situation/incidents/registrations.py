"""What the incidents concept registers with the platform when the app is ready:
its timeline entries carry files, and a key site's page lists its incidents."""

from __future__ import annotations


def register() -> None:
    from vigil.core import attachments
    from vigil.sites.queries import register_panel
    from vigil.situation.incidents import queries, services
    from vigil.situation.incidents.models import TimelineEntry

    attachments.register_attachable(TimelineEntry, services.may_attach_to_entry)
    register_panel(queries.site_panel)
