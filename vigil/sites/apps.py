from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "vigil.sites"
    label = "sites"
    verbose_name = _("Key sites and contingency plans")

    def ready(self) -> None:
        import datetime as dt

        from vigil.core import audit, scheduler
        from vigil.sites import reminders
        from vigil.sites.models import SiteAction

        audit.register_actions(SiteAction)
        scheduler.register_sweep(
            reminders.SWEEP, reminders.sweep_reviews, every=dt.timedelta(hours=1)
        )
