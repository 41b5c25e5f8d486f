"""What a later app adds to its notifications in the inbox: a priority and buttons.

The inbox comes before the apps whose objects its notifications are about, so it
names none of them: an app registers, in its ``ready()``, a source for the model of
the notifications' ``about`` object (``register_actions("situation.alert", fn)``).
The inbox page asks each source once per page for all its rows
(``fn(notifications, user) -> {notification id: Extras}``), so a page of fifty costs
one query per source, not one per row. An alert's source gives its priority colour
and an **Acknowledge** button for the user's agency's delivery.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType


@dataclass(frozen=True)
class Action:
    """A button: a POST to ``url`` (a form with the CSRF token and ``next``)."""

    label: Any
    url: str
    css: str = ""


@dataclass(frozen=True)
class Extras:
    priority: str = ""  # a class for the row: "priority-high", "priority-medium", ...
    actions: tuple[Action, ...] = field(default_factory=tuple)
    note: Any = ""  # a short line under the message


Source = Callable[[Sequence[Any], Any], dict[int, Extras]]
_SOURCES: dict[str, Source] = {}


def register_actions(model_label: str, source: Source) -> None:
    """``model_label``: "app_label.model_name" of the notifications' ``about`` object."""
    _SOURCES[model_label.lower()] = source


def extras_for(notifications: Sequence[Any], user: Any) -> dict[int, Extras]:
    """Each notification's extras (none for a notification no source claims)."""
    by_label: dict[str, list[Any]] = defaultdict(list)
    for notification in notifications:
        if notification.about_type_id is None:
            continue
        content_type = ContentType.objects.get_for_id(notification.about_type_id)
        label = f"{content_type.app_label}.{content_type.model}"
        if label in _SOURCES:
            by_label[label].append(notification)
    found: dict[int, Extras] = {}
    for label, group in by_label.items():
        found.update(_SOURCES[label](group, user))
    return found
