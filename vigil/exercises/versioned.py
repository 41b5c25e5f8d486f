"""The optimistic version of a training or an exercise: a write locks the row, refuses
a stale ``version`` (the one the user read) and saves its changes with the next one."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

M = TypeVar("M", bound=models.Model)


def locked(model: type[M], pk: int, version: int | None, stale: type[ValidationError]) -> M:
    """The row, locked for this transaction; ``stale`` raised when ``version`` (if
    given) is not the row's."""
    fresh = model._default_manager.select_for_update(of=("self",)).select_related(
        "owning_committee").get(pk=pk)  # fmt: skip
    if version is not None and getattr(fresh, "version") != version:  # noqa: B009
        raise stale
    return fresh


def bump(obj: Any, **changes: Any) -> None:
    """Save ``changes`` with the next version, validated as a whole."""
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.version += 1
    obj.full_clean(exclude=["shared_agencies", "shared_committees"])
    obj.save(update_fields=[*changes, "version"])
