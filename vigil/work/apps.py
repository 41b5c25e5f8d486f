from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "vigil.work"
    label = "work"
    verbose_name = _("Committee work")

    def ready(self) -> None:
        import datetime as dt

        from vigil.core import attachments, audit, scheduler
        from vigil.work import calendar, deadlines, services
        from vigil.work.models import IssuedDocument, Task, WorkAction

        audit.register_actions(WorkAction)
        attachments.register_attachable(Task, services.may_attach_to_task)
        attachments.register_attachable(IssuedDocument, services.may_attach_to_document)
        scheduler.register_sweep(
            "work.task_deadlines", deadlines.sweep_task_deadlines, every=dt.timedelta(minutes=10)
        )
        calendar.register_source("tasks", deadlines.task_calendar_items)
