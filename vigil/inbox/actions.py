"""What a later app adds to its notifications in the inbox: a priority and buttons.

The inbox comes before the apps whose objects its notifications are about, so it
names none of them: an app registers, in its ``ready()``, a source for the model of
the notifications' ``about`` object (``register_actions("situation.alert", fn)``).
The inbox page asks each source once per page for all its rows
(``fn(notifications, user) -> {notification id: Extras}``), so a page of fifty costs
one query per source, not one per row. An alert's source gives its priority colour
and an **Acknowledge** button for the user's agency's delivery.

A source may also add lines to each recipient's e-mail, written when the worker
builds it (``register_actions(label, fn, email=lines)``): what differs from one
recipient to the next (an alert's acknowledgement code is its agency's own) then
never sits in the notification every recipient shares. The worker asks once per
notification and language in each batch (``lines(notification, reached)``, with
``reached``: each user id → the notification's targets that brought them, read
from current memberships) and gets ``{user id: text}``; a user it leaves out gets
the shared text alone. Never asked for a classified notification: its e-mail
carries nothing but a link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
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
EmailSource = Callable[[Any, Mapping[int, Sequence[Any]]], dict[int, str]]
_SOURCES: dict[str, Source] = {}
_EMAIL_SOURCES: dict[str, EmailSource] = {}


def register_actions(model_label: str, source: Source, *, email: EmailSource | None = None) -> None:
    """``model_label``: "app_label.model_name" of the notifications' ``about`` object;
    ``email``: what it adds to each recipient's e-mail (see the module's text)."""
    _SOURCES[model_label.lower()] = source
    if email is not None:
        _EMAIL_SOURCES[model_label.lower()] = email


def _label(notification: Any) -> str:
    content_type = ContentType.objects.get_for_id(notification.about_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def email_source(notification: Any) -> EmailSource | None:
    """The source that adds to this notification's e-mails, if any (none for a
    classified notification, whose e-mail carries no content)."""
    if notification.about_type_id is None or notification.classification > 0:
        return None
    return _EMAIL_SOURCES.get(_label(notification))


def extras_for(notifications: Sequence[Any], user: Any) -> dict[int, Extras]:
    """Each notification's extras (none for a notification no source claims)."""
    by_label: dict[str, list[Any]] = defaultdict(list)
    for notification in notifications:
        if notification.about_type_id is None:
            continue
        label = _label(notification)
        if label in _SOURCES:
            by_label[label].append(notification)
    found: dict[int, Extras] = {}
    for label, group in by_label.items():
        found.update(_SOURCES[label](group, user))
    return found
