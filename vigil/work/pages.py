"""Helpers shared by work's pages: the audit stamp of a classified read, the
attachment upload and panel, the points of a form.

Core's shared helpers will replace the first two; until then they are here, written once.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from vigil.core import attachments, audit
from vigil.core.classification import STAMPS, Classification
from vigil.core.forms import AttachmentForm
from vigil.org.models import Committee
from vigil.org.scope import get_visible_or_404
from vigil.work import services


def stamp_classified_read(request: HttpRequest, objects: list[Any], about: Any) -> str:
    audit.record_view(request.user, objects, about=about, path=request.path)
    level = max((getattr(o, "classification", 0) for o in objects), default=0)
    return STAMPS[Classification(level)] if level else ""


def attachment_upload(request: HttpRequest, parent: Any) -> HttpResponse:
    if not attachments.may_attach(request.user, parent):
        raise PermissionDenied
    user: Any = request.user
    too_large = attachments.upload_too_large(request)
    if too_large is not None:
        messages.error(request, "; ".join(too_large.messages))
        return redirect(parent)
    form = AttachmentForm(request.POST, request.FILES, clearance=user.clearance)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(parent)
    try:
        attachments.attach(parent, form.cleaned_data["file"], actor=user,
                           classification=form.cleaned_data["classification"])  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("File attached."))
    return redirect(parent)


def attachment_context(request: HttpRequest, obj: Any, url_name: str) -> dict[str, Any]:
    user: Any = request.user
    return {
        "attachment_list": list(attachments.attachments_of(obj, user)),
        "can_attach": attachments.may_attach(user, obj),
        "attach_url": reverse(url_name, args=[obj.pk]),
        "attachment_form": AttachmentForm(clearance=user.clearance),
        "max_upload_mb": attachments.max_upload_bytes() // (1024 * 1024),
    }


def point_specs(points: Any) -> list[services.PointSpec]:
    return [
        services.PointSpec(
            text=p["text"],
            lead=list(p["lead"]),
            supporting=list(p["supporting"]),
            deadline=p["deadline"],
            deadline_working_days=p["deadline_working_days"],
        )
        for p in points.cleaned_data
        if p and p.get("text", "").strip()
    ]


def issuer_committee_or_404(request: HttpRequest, pk: int) -> Committee:
    committee: Committee = get_visible_or_404(Committee.objects, request.user, pk=pk)
    if not services.can_issue(request.user, committee):
        raise PermissionDenied
    return committee
