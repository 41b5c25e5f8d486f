"""What every HTML page shares, written once: submitting a form to a service, the
attachment block and its upload, the audit of a page that shows classified objects.

The API has its own counterparts (``vigil.core.endpoints``, ``vigil.core.attachments_api``)
over the same services, with the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from vigil.core import attachments, audit
from vigil.core.classification import STAMPS, Classification
from vigil.core.forms import AttachmentForm, add_form_errors

if TYPE_CHECKING:
    from rest_framework.request import Request

    from vigil.accounts.models import User

T = TypeVar("T")


def acting(request: HttpRequest | Request) -> User:
    """The signed-in person a page or an endpoint acts for, typed as a ``User``.

    Pages are behind ``login_required`` and the API's default permission is
    ``IsAuthenticated``, so an anonymous request never gets here; if one did, it is refused
    (``PermissionDenied``: 403 on a page, 403 through DRF) rather than handed to a service.
    ``request.user`` is typed ``User | AnonymousUser``; the check narrows it (core names
    ``User`` for the type checker only, as ``vigil.core.audit.Actor`` does).
    """
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def refusal_text(exc: ValidationError) -> str:
    """A refusal's messages as one line, joined as the API joins them."""
    return "; ".join(str(m) for m in exc.messages)


# --- forms


def submit(
    request: HttpRequest,
    form: BaseForm,
    action: Callable[[dict[str, Any]], T],
    *,
    success: str | None,
    then: str | Callable[[T], Any] | None = None,
    also: Iterable[BaseForm | BaseFormSet[Any]] = (),
    refusals: tuple[type[Exception], ...] = (),
) -> HttpResponse | None:
    """Run ``action`` (the service call) on a valid POSTed form, then redirect.

    ``None`` means "render the page with ``form``": a GET, an invalid form (or an
    invalid form in ``also``, a formset say), or a refusal. A service's
    ``ValidationError`` lands on the form (field messages on their fields, the rest
    above it); so does any exception in ``refusals`` (its text, or "You may not do
    this."), for a service that refuses with ``PermissionDenied`` or a "still in
    progress" the user can act on. Nothing is written on a refusal: the service's
    transaction rolled back.

    On success: ``success`` as a message, then a redirect to ``then`` (a URL or URL
    name), to ``then(result)`` (anything ``redirect`` takes), or by default to the
    result itself (its ``get_absolute_url``).
    """
    if request.method != "POST":
        return None
    # Every form is checked, so each shows its own errors at once.
    valid = [form.is_valid(), *(other.is_valid() for other in also)]
    if not all(valid):
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as exc:
        add_form_errors(form, exc)
        return None
    except refusals as exc:
        form.add_error(None, str(exc) or _("You may not do this."))
        return None
    if success:
        messages.success(request, success)
    # What redirect() takes: a URL, a URL name, or an object with get_absolute_url.
    target: Any = result
    if isinstance(then, str):
        target = then
    elif then is not None:
        target = then(result)
    return redirect(target)


# --- attachments


def attachment_context(
    request: HttpRequest,
    parent: models.Model,
    *,
    upload_url: str,
    files: Iterable[Any] | None = None,
) -> dict[str, Any]:
    """What ``core/_attachments.html`` needs on a detail page: the files the user may
    see (``files`` when the page already read them), whether they may attach, and
    the upload form. Audit the page with ``attachment_list`` among the objects shown."""
    user: Any = request.user
    return {
        "attachment_list": list(
            files if files is not None else attachments.attachments_of(parent, user)
        ),
        "can_attach": attachments.may_attach(user, parent),
        "attach_url": upload_url,
        "attachment_form": AttachmentForm(clearance=user.clearance),
        "max_upload_mb": attachments.max_upload_bytes() // (1024 * 1024),
    }


def upload_attachment(
    request: HttpRequest, parent: models.Model, *, back: str | None = None
) -> HttpResponse:
    """The upload view of a page's attachment block (POST only; the caller looks the
    parent up within the user's scope). 403 for a user who may not attach; every
    refusal (too large, not an allowed type, storage down) is a message, and the
    user goes back to ``back`` (default: the parent's page)."""
    if not attachments.may_attach(request.user, parent):
        raise PermissionDenied
    user: Any = request.user
    target: Any = back if back is not None else parent
    # Reading the form first runs the upload handler, which notes a file over the limit.
    form = AttachmentForm(request.POST, request.FILES, clearance=user.clearance)
    too_large = attachments.upload_too_large(request)
    if too_large is not None:
        messages.error(request, refusal_text(too_large))
        return redirect(target)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(target)
    try:
        attachments.attach(
            parent,
            form.cleaned_data["file"],
            actor=user,
            classification=form.cleaned_data["classification"],
        )
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("File attached."))
    return redirect(target)


def refuse_oversized_upload(request: HttpRequest, form: BaseForm, field: str) -> bool:
    """For a form with a file: the upload handler stopped a file over the limit. Say
    so (on ``field`` when the form was read, else as a message) and return True: the
    caller writes nothing."""
    refused = attachments.upload_too_large(request)
    if refused is not None and form.is_bound:
        form.add_error(field, refused)
    elif refused is not None:  # the fields after the file were not read either
        messages.error(request, refusal_text(refused))
    return refused is not None


# --- classified reads


def page_stamp(objects: Iterable[Any]) -> str:
    """The classification stamp of the most classified object shown ("" if none is)."""
    level = max((getattr(o, "classification", 0) for o in objects), default=0)
    return STAMPS[Classification(level)] if level else ""


def audit_classified_view(
    request: HttpRequest, objects: list[Any], *, about: models.Model | None = None
) -> str:
    """Audit a page that shows ``objects`` (one event if any is classified; ``about``
    the object the page is about, none for a list) and return the page's stamp."""
    audit.record_view(request.user, objects, about=about, path=request.path)
    return page_stamp(objects)
