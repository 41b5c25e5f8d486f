"""This concept's ``vigil exercises`` subcommands (filled by its builder)."""

from __future__ import annotations

from vigil.exercises.cli import Subcommand

SUBCOMMANDS: dict[str, Subcommand] = {}
