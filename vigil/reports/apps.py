from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "vigil.reports"
    label = "reports"
    verbose_name = _("Reports and commendations")

    def ready(self) -> None:
        from vigil.core import audit
        from vigil.reports.models import ReportAction

        audit.register_actions(ReportAction)
