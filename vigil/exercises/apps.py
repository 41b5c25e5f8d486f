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

        # A key site's page lists the exercises held at it or testing it.
        from vigil.exercises.live.queries import site_panel
        from vigil.sites.queries import register_panel

        register_panel(site_panel)
