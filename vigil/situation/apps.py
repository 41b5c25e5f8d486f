from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SituationConfig(AppConfig):
    name = "vigil.situation"
    label = "situation"
    verbose_name = _("Situation: incidents and alerts")

    def ready(self) -> None:
        import datetime as dt

        from vigil.core import audit, scheduler
        from vigil.inbox.actions import register_actions
        from vigil.situation.alerts import deadlines
        from vigil.situation.alerts.inbox_actions import alert_email_lines, alert_extras
        from vigil.situation.incidents.registrations import register as register_incidents
        from vigil.situation.models import SituationAction

        audit.register_actions(SituationAction)
        scheduler.register_sweep(
            "situation.alert_deadlines",
            deadlines.sweep_alert_deadlines,
            every=dt.timedelta(seconds=30),
        )
        register_incidents()
        # The inbox shows an alert as an alert: priority colour, an Acknowledge button;
        # each recipient's e-mail carries its own agency's acknowledgement code.
        register_actions("situation.alert", alert_extras, email=alert_email_lines)
