from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExercisesConfig(AppConfig):
    name = "vigil.exercises"
    label = "exercises"
    verbose_name = _("Trainings and exercises")

    def ready(self) -> None:
        from vigil.core import attachments, audit, calendar
        from vigil.exercises import calendar_source
        from vigil.exercises.evaluation.queries import task_origin
        from vigil.exercises.live.queries import site_panel
        from vigil.exercises.models import ExerciseAction
        from vigil.exercises.trainings.models import Training
        from vigil.exercises.trainings.services import may_attach
        from vigil.sites.queries import register_panel
        from vigil.work.tasks.queries import register_origin

        audit.register_actions(ExerciseAction)
        attachments.register_attachable(Training, may_attach)
        calendar.register_source("trainings", calendar_source.training_items)
        calendar.register_source("exercises", calendar_source.exercise_items)
        # A corrective action's task says on its page which exercise it comes from.
        register_origin(task_origin)
        # A key site's page lists the exercises held at it or testing it.
        register_panel(site_panel)
