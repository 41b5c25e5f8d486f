from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "vigil.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from vigil.accounts import schema  # noqa: F401 - registers the OpenAPI extension
        from vigil.accounts.models import AccountAction
        from vigil.core import audit

        audit.register_actions(AccountAction)
