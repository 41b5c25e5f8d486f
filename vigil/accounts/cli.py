"""What every ``vigil <app> … --as USERNAME`` command shares: the named user it acts as."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from vigil.accounts.models import User


def active_user(username: str) -> User:
    """The active user named ``username``; a clear error otherwise (the command stops)."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("No active user is named %(name)s.") % {"name": username})
    return user
