from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlledConfig(AppConfig):
    name = "vigil.controlled"
    label = "controlled"
    verbose_name = _("Weapons, explosives and support tools")

    def ready(self) -> None:
        from vigil.controlled import ledger
        from vigil.controlled.models import ControlledAction
        from vigil.core import audit, verification

        audit.register_actions(ControlledAction)
        verification.register_verifier("ledger", ledger.verify_chain_result, label=_("Ledger"))
