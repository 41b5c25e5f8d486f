from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExercisesConfig(AppConfig):
    name = "vigil.exercises"
    label = "exercises"
    verbose_name = _("Trainings and exercises")

    def ready(self) -> None:
        from vigil.core import audit
        from vigil.exercises.models import ExerciseAction

        audit.register_actions(ExerciseAction)
