from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_triggers(using: str = "default", **kwargs: Any) -> None:
    from vigil.core.triggers import install_append_only_triggers

    install_append_only_triggers(using)


def _prune_attachment_files(now: Any) -> int:
    """Files of deleted attachments and of rolled-back uploads, after their grace period."""
    from vigil.core.attachments import prune_unreferenced

    return len(prune_unreferenced())


class CoreConfig(AppConfig):
    name = "vigil.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # SQLite drops triggers whenever a migration rebuilds a table, so the
        # installer runs again after every migrate, whichever app migrated.
        post_migrate.connect(_install_triggers, dispatch_uid="vigil.core.triggers")
        from django.core import checks

        from vigil.core.sqlite_driver import check_sqlite_version

        checks.register(check_sqlite_version, checks.Tags.database)
        import datetime as dt

        from vigil.core import scheduler, workdays  # noqa: F401 - workdays registers its audit verbs

        scheduler.register_sweep(
            "tasks.prune", scheduler.prune_task_results, every=dt.timedelta(hours=1)
        )
        scheduler.register_sweep(
            "attachments.prune", _prune_attachment_files, every=dt.timedelta(hours=1)
        )
