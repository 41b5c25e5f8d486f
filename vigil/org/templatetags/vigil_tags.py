from django import template
from django.utils.html import format_html

from vigil.core.classification import STAMPS, Classification

register = template.Library()


@register.simple_tag
def stamp(level: int) -> str:
    """The red classification stamp; nothing for unclassified objects."""
    if not level:
        return ""
    return format_html('<span class="stamp">{}</span>', STAMPS[Classification(level)])


@register.filter
def vn_date(value: object) -> str:
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else ""
