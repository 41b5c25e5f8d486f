from typing import Any

from django.conf import settings
from django.http import HttpRequest


def vigil(request: HttpRequest) -> dict[str, Any]:
    return {"VIGIL_DEMO": settings.DEMO, "VIGIL_ENV": settings.VIGIL_ENV}
