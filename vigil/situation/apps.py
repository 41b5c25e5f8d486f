from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SituationConfig(AppConfig):
    name = "vigil.situation"
    label = "situation"
    verbose_name = _("Situation: incidents and alerts")

    def ready(self) -> None:
        from vigil.core import audit
        from vigil.situation.models import SituationAction

        audit.register_actions(SituationAction)
        from vigil.situation.incidents.registrations import register as register_incidents

        register_incidents()
