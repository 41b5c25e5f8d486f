from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlledConfig(AppConfig):
    name = "vigil.controlled"
    label = "controlled"
    verbose_name = _("Weapons, explosives and support tools")

    def ready(self) -> None:
        import datetime as dt

        from vigil.controlled.inspections.models import Inspection
        from vigil.controlled.inspections.services import remind_inspections_due
        from vigil.controlled.ledger import anchors, chain
        from vigil.controlled.ledger.queries import refresh_statistics
        from vigil.controlled.models import ControlledAction
        from vigil.controlled.registry.keepers import may_keep_record
        from vigil.controlled.registry.reminders import remind_expiring_licences
        from vigil.controlled.registry.services import expire_licences
        from vigil.core import audit, scheduler, verification
        from vigil.core.attachments import register_attachable

        audit.register_actions(ControlledAction)
        verification.register_verifier("ledger", chain.verify_chain_result, label=_("Ledger"))
        scheduler.register_sweep(
            "controlled.licence_expiry", remind_expiring_licences, every=dt.timedelta(hours=1)
        )
        scheduler.register_sweep(
            "controlled.licence_status", expire_licences, every=dt.timedelta(hours=1)
        )
        scheduler.register_sweep(
            "controlled.inspection_due", remind_inspections_due, every=dt.timedelta(hours=1)
        )
        register_attachable(Inspection, may_keep_record)
        # The ledger's heads, anchored in the audit chain and checked from both sides.
        scheduler.register_sweep(
            "controlled.ledger_anchor", anchors.sweep, every=anchors.SWEEP_EVERY
        )
        verification.register_cross_check(anchors.ANCHOR_ACTIONS, chain.check_anchor_events)
        scheduler.register_sweep(
            "controlled.statistics", refresh_statistics, every=dt.timedelta(hours=6)
        )
