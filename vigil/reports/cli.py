"""The shape of a ``vigil reports`` subcommand, declared by each concept's ``cli.py``
(``summaries/cli.py``; ``commendations/cli.py`` joins the same way)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandParser

if TYPE_CHECKING:
    from vigil.accounts.models import User


@dataclass(frozen=True)
class Subcommand:
    help: str
    # Adds the subcommand's own arguments (``--as`` is added for every one).
    arguments: Callable[[CommandParser], None]
    # Runs it as ``user``: writes to ``command.stdout`` (progress to ``command.stderr``);
    # raises CommandError, PermissionDenied or ValidationError to refuse (exit code 1).
    run: Callable[[BaseCommand, User, dict[str, Any]], None]
