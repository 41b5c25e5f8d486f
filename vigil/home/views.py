from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.org.summary import summary_for as org_summary
from vigil.work.obligations.summary import summary_for as reports_summary
from vigil.work.summary import summary_for as work_summary

# Each installed app's summary_for(user), in the order the home page shows them.
SUMMARIES: list[Callable[[Any], dict[str, Any]]] = [org_summary, work_summary, reports_summary]


def index(request: HttpRequest) -> HttpResponse:
    panels = [summary(request.user) for summary in SUMMARIES]
    return render(request, "home/index.html", {"panels": panels})
