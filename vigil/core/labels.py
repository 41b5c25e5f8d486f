"""What people read where the audit keeps codes: actors, verbs, object types
and the before/after of a change, in the user's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.core import audit

# The names SystemActor is given in the code; an unknown one is shown as it is.
SYSTEM_WORK = {
    "seed": gettext_lazy("demo data"),
    "test": gettext_lazy("test data"),
    "worker": gettext_lazy("scheduled work"),
    "cli": gettext_lazy("command line"),
    "command": gettext_lazy("command line"),
    "command line": gettext_lazy("command line"),
    "restore": gettext_lazy("restore from backup"),
    "lockout": gettext_lazy("sign-in lockout"),
    "controlled.licence_expiry": gettext_lazy("licence expiry check"),
    "situation.alert_deadlines": gettext_lazy("alert acknowledgement deadlines"),
    "situation.sms": gettext_lazy("SMS gateway"),
}


def actor(label: str) -> str:
    """``system:seed`` reads "Vigil (demo data)"; a person's label is kept as written."""
    prefix = "system:"
    if not label.startswith(prefix):
        return label
    name = label[len(prefix) :]
    return _("Vigil (%(work)s)") % {"work": SYSTEM_WORK.get(name, name)}


def action(code: str) -> str:
    return audit.registered_actions().get(code, code)


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type(code: str) -> str:
    model = model_of(code)
    return str(model._meta.verbose_name).capitalize() if model else code


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(v)}" for k, v in value.items()) or "—"
    if isinstance(value, str):
        return actor(value)  # who registered or did something, kept as a label
    return str(value)


def _choice(model: type[models.Model] | None, name: str, value: Any) -> Any:
    """A stored choice ("pending", 1) as the label its field gives it."""
    if model is None or not name or isinstance(value, (dict, list, bool)) or value is None:
        return value
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if not isinstance(field, models.Field) or not field.choices:
        return value
    return dict(field.flatchoices).get(value, value)


def _field(model: type[models.Model] | None, name: str) -> str:
    if model is not None:
        for candidate in (name, name.removesuffix("_id")):
            try:
                field = model._meta.get_field(candidate)
            except FieldDoesNotExist:
                continue
            if field.auto_created and not field.concrete and field.related_model is not None:
                # A reverse relation has no name of its own: the related objects'.
                related: Any = field.related_model
                return str(related._meta.verbose_name_plural).capitalize()
            return str(getattr(field, "verbose_name", candidate)).capitalize()
    return name.replace("_", " ").capitalize()


def changes(object_type: str, before: Any, after: Any) -> list[Change]:
    """One line per field that a change touched: its label, the value before and after
    (a field that did not change is left out when both sides are known)."""
    model = model_of(object_type)
    old = before if isinstance(before, dict) else ({} if before is None else {"": before})
    new = after if isinstance(after, dict) else ({} if after is None else {"": after})
    lines = []
    for name in [*old, *(k for k in new if k not in old)]:
        if name in old and name in new and old[name] == new[name]:
            continue
        lines.append(
            Change(
                field=_field(model, name) if name else "",
                before=_value(_choice(model, name, old[name])) if name in old else "—",
                after=_value(_choice(model, name, new[name])) if name in new else "—",
            )
        )
    return lines
