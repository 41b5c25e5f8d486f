from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "vigil.work"
    label = "work"
    verbose_name = _("Committee work")

    def ready(self) -> None:
        import datetime as dt

        from vigil.core import attachments, audit, calendar, scheduler
        from vigil.work import deadlines, scorecard, services
        from vigil.work.models import (
            IncomingDocument,
            IssuedDocument,
            Meeting,
            Task,
            WorkAction,
            WorkPlan,
        )
        from vigil.work.obligations import calendar_source, chasing
        from vigil.work.obligations import services as obligations
        from vigil.work.obligations.models import ObligationAction

        audit.register_actions(WorkAction)
        audit.register_actions(ObligationAction)
        attachments.register_attachable(Task, services.may_attach_to_task)
        for model in (IssuedDocument, IncomingDocument, Meeting, WorkPlan):
            attachments.register_attachable(model, services.may_attach_to_document)
        scheduler.register_sweep(
            "work.task_deadlines", deadlines.sweep_task_deadlines, every=dt.timedelta(minutes=10)
        )
        calendar.register_source("tasks", deadlines.task_calendar_items)
        calendar.register_source("meetings", deadlines.meeting_calendar_items)
        scheduler.register_sweep(
            "work.reports.open_periods", obligations.open_due_periods, every=dt.timedelta(hours=1)
        )
        scheduler.register_sweep(
            "work.reports.chase", chasing.chase_reports, every=dt.timedelta(minutes=30)
        )
        scheduler.register_sweep(
            "work.statistics", scorecard.refresh_statistics, every=dt.timedelta(hours=6)
        )
        calendar.register_source("reports", calendar_source.report_items)
