from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "vigil.work"
    label = "work"
    verbose_name = _("Committee work")

    def ready(self) -> None:
        import datetime as dt

        from vigil.core import audit, scheduler
        from vigil.work import calendar
        from vigil.work.obligations import calendar_source, chasing
        from vigil.work.obligations import services as obligations
        from vigil.work.obligations.models import ObligationAction

        audit.register_actions(ObligationAction)
        scheduler.register_sweep(
            "work.reports.open_periods", obligations.open_due_periods, every=dt.timedelta(hours=1)
        )
        scheduler.register_sweep(
            "work.reports.chase", chasing.chase_reports, every=dt.timedelta(minutes=30)
        )
        calendar.register_source("reports", calendar_source.report_items)
