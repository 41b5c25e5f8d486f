from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "vigil.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from vigil.core import audit
        from vigil.org.models import OrgAction

        audit.register_actions(OrgAction)
