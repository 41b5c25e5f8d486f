import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "vigil.inbox"
    label = "inbox"
    verbose_name = _("Inbox")

    def ready(self) -> None:
        from vigil.core import audit, scheduler
        from vigil.inbox import services
        from vigil.inbox.delivery import deliver_pending
        from vigil.inbox.escalation import escalate_due
        from vigil.inbox.models import InboxAction

        audit.register_actions(InboxAction)
        every = dt.timedelta(seconds=30)
        scheduler.register_sweep("inbox.deliver", deliver_pending, every=every)
        scheduler.register_sweep("inbox.escalate", escalate_due, every=every)
        scheduler.register_sweep(
            "inbox.statistics", services.refresh_statistics, every=dt.timedelta(hours=6)
        )
