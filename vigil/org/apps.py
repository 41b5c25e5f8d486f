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

        from vigil.core.attachments import register_attachable
        from vigil.org.models import ContactPoint
        from vigil.org.scope import can_edit_contact_points

        register_attachable(
            ContactPoint, lambda user, contact: can_edit_contact_points(user, contact.agency)
        )
