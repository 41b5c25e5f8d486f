from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "vigil.sites"
    label = "sites"
    verbose_name = _("Key sites and contingency plans")

    def ready(self) -> None:
        from vigil.core import audit
        from vigil.sites.models import SiteAction

        audit.register_actions(SiteAction)
