from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import pgettext

from vigil.core import labels
from vigil.core.classification import STAMPS, Classification
from vigil.org.models import Role

register = template.Library()


@register.simple_tag
def stamp(level: int) -> str:
    """The red classification stamp; nothing for unclassified objects."""
    if not level:
        return ""
    return format_html('<span class="stamp">{}</span>', STAMPS[Classification(level)])


@register.simple_tag
def level(value: int) -> str:
    """A classification where a column or a line names it: the stamp, or "Thường"
    in words (a blank there reads as missing)."""
    if value:
        return stamp(value)
    return format_html(
        '<span class="level-plain">{}</span>', pgettext("classification", "Unclassified")
    )


@register.filter
def vn_date(value: object) -> str:
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else ""


@register.filter
def actor(label: str) -> str:
    """A system actor in words: "Vigil (demo data)", not ``system:seed``."""
    return labels.actor(str(label or ""))


@register.filter
def role_label(code: str) -> str:
    """A role in words where the audit keeps its code (an unknown code as it is)."""
    code = str(code or "")
    return str(Role(code).label) if code in Role.values else code


@register.filter
def action_label(code: str) -> str:
    return labels.action(str(code or ""))


@register.filter
def object_type_label(code: str) -> str:
    return labels.object_type(str(code or ""))


@register.simple_tag
def changes(object_type: str, before: Any, after: Any) -> list[labels.Change]:
    return labels.changes(object_type, before, after)
