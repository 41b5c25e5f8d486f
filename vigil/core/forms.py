"""What every page form shares."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def add_form_errors(form: Any, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form it came from: field messages on
    their fields, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)
