"""Files attached to any object.

Uploads are written under a random name in ``MEDIA_ROOT/attachments`` (in the
data folder, outside every static or web root), their type is read from their
bytes, their SHA-256 recorded. They are served only by ``download_response``
after the parent has been found in ``visible_to(user)`` of its own model, so a
file is exactly as visible as what it is attached to, and at least as
classified.

Core knows no app: a model accepts attachments once its app registers it with
``register_attachable(model, may_attach)``, saying who may attach and delete.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import models, transaction
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor, SystemActor
from vigil.core.errors import StorageUnavailable
from vigil.core.filetypes import EXTENSIONS, KINDS, sniff
from vigil.core.models import Attachment

CHUNK = 64 * 1024
logger = logging.getLogger(__name__)
MayAttach = Callable[[Any, Any], bool]
_ATTACHABLE: dict[str, MayAttach] = {}


def register_attachable(model: type[models.Model], may_attach: MayAttach) -> None:
    """Let ``model`` carry attachments; ``may_attach(user, parent)`` guards attach and delete.

    The model's manager must offer ``visible_to(user)``.
    """
    _ATTACHABLE[model._meta.label_lower] = may_attach


def attachable_label(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def max_upload_bytes() -> int:
    return int(getattr(settings, "VIGIL_MAX_UPLOAD_MB", 20)) * 1024 * 1024


def storage_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "attachments"


def stored_path(stored_name: str) -> Path:
    # Stored names are ours (hex), never the uploader's.
    if not re.fullmatch(r"[0-9a-f]{40}", stored_name):
        raise ValueError("not a stored attachment name")
    return storage_dir() / stored_name[:2] / stored_name


def parent_type(label: str) -> ContentType:
    """The content type of an attachable model from its label ("org.contactpoint")."""
    if label not in _ATTACHABLE:
        raise Http404
    app_label, _dot, model = label.partition(".")
    return ContentType.objects.get_by_natural_key(app_label, model)


def visible_parent(ct: ContentType, parent_id: Any, user: Any) -> models.Model:
    """The parent if ``user`` may see it, else 404 (as if it did not exist)."""
    model: Any = ct.model_class()
    if model is None or f"{ct.app_label}.{ct.model}" not in _ATTACHABLE:
        raise Http404
    parent = model.objects.visible_to(user).filter(pk=parent_id).first()
    if parent is None:
        raise Http404
    return parent  # type: ignore[no-any-return]


def clearance_of(user: Any) -> int:
    """The user's clearance; the accounts app's user model carries it."""
    return int(getattr(user, "clearance", -1))


def attachments_of(parent: models.Model, user: Any) -> models.QuerySet[Attachment]:
    """Attachments of a parent the caller has already found visible, within clearance."""
    ct = ContentType.objects.get_for_model(parent)
    return Attachment.objects.filter(
        parent_type=ct, parent_id=parent.pk, classification__lte=clearance_of(user)
    ).order_by("uploaded_at", "pk")


def visible_attachment(pk: int, user: Any) -> tuple[Attachment, models.Model]:
    attachment = Attachment.objects.select_related("parent_type").filter(pk=pk).first()
    if attachment is None or attachment.classification > clearance_of(user):
        raise Http404
    parent = visible_parent(attachment.parent_type, attachment.parent_id, user)
    return attachment, parent


def may_attach(user: Any, parent: models.Model) -> bool:
    if isinstance(user, SystemActor):
        return True
    check = _ATTACHABLE.get(parent._meta.label_lower)
    return check is not None and check(user, parent)


def safe_name(name: str, extension: str) -> str:
    """A download name: no path, no control characters, the extension of what the file is."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = name.strip().strip(".") or "tep"
    stem, ext = os.path.splitext(name)
    # A name that already ends in the extension keeps one ("02-CT-BCĐ.edxml", not twice).
    same = ext.lower() == extension.lower()
    if not same and (
        ext.lower() not in EXTENSIONS or EXTENSIONS[ext.lower()] != EXTENSIONS.get(extension)
    ):
        stem = name
    stem = stem[: 150 - len(extension)]
    return f"{stem}{extension}"


def _receive(upload: Any, target: Path) -> tuple[int, str]:
    """Copy the upload to ``target``, counting and hashing; refuse it past the limit."""
    limit = max_upload_bytes()
    digest, size = hashlib.sha256(), 0
    chunks: Iterable[bytes] = upload.chunks(CHUNK) if hasattr(upload, "chunks") else [upload.read()]
    with target.open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise ValidationError(
                    _("The file is larger than %(mb)s MB, the most Vigil accepts.")
                    % {"mb": limit // (1024 * 1024)}
                )
            digest.update(chunk)
            out.write(chunk)
    # The prune's grace period is measured on Vigil's clock: stamp the file with it.
    stamp = clock.now().timestamp()
    os.utime(target, (stamp, stamp))
    return size, digest.hexdigest()


def _check_kind(path: Path, name: str) -> str:
    claimed_ext = os.path.splitext(name or "")[1].lower()
    kind = sniff(path, claimed_ext)
    if kind is None:
        raise ValidationError(
            _(
                "Vigil does not accept this type of file. Accepted: PDF, Word (.docx), "
                "Excel (.xlsx), PNG or JPEG images, and UTF-8 text or CSV."
            )
        )
    claimed = EXTENSIONS.get(claimed_ext)
    if claimed is not None and claimed != kind:
        raise ValidationError(
            _("The file is named as %(claimed)s but its content is not: it is %(actual)s.")
            % {"claimed": claimed.upper(), "actual": kind.upper()}
        )
    return kind


def attach(
    parent: models.Model,
    upload: Any,
    *,
    actor: Actor,
    classification: int = 0,
    name: str | None = None,
) -> Attachment:
    """Store ``upload`` (a Django UploadedFile or any object with ``read()``) on ``parent``.

    Refuses an empty, oversized or unrecognised file, or one whose name claims
    another type, with nothing written: neither a row nor a file stays behind.
    """
    if not may_attach(actor, parent):
        raise PermissionDenied(_("You may not attach files to this object."))
    name = name if name is not None else getattr(upload, "name", "") or ""
    parent_level = int(getattr(parent, "classification", 0) or 0)
    if not isinstance(actor, SystemActor) and classification > clearance_of(actor):
        raise ValidationError(
            {"classification": _("You cannot classify above your own clearance.")}
        )
    level = max(parent_level, int(classification))
    stored_name = secrets.token_hex(20)
    final = stored_path(stored_name)
    temp = final.with_name(f".{stored_name}.part")
    try:
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            size, sha = _receive(upload, temp)
        except OSError as exc:
            # A folder that cannot be written (permissions, a full or read-only disk)
            # is the deployment's fault, not the file's: said so, nothing recorded.
            logger.error("Attachments cannot be stored in %s: %s", storage_dir(), exc)
            raise StorageUnavailable() from exc
        if size == 0:
            raise ValidationError(_("The file is empty."))
        kind = _check_kind(temp, name)
        try:
            os.replace(temp, final)
        except OSError as exc:
            logger.error("Attachments cannot be stored in %s: %s", storage_dir(), exc)
            raise StorageUnavailable() from exc
        with transaction.atomic():
            attachment = Attachment.objects.create(
                parent_type=ContentType.objects.get_for_model(parent),
                parent_id=parent.pk,
                name=safe_name(name, KINDS[kind].extension),
                kind=kind,
                content_type=KINDS[kind].media_type,
                size=size,
                sha256=sha,
                stored_name=stored_name,
                classification=level,
                committee_id=getattr(parent, "owning_committee_id", None),
                uploaded_at=clock.now(),
                uploaded_by_id=audit.acting_user_id(actor),
                uploaded_by_label=audit.actor_label(actor),
            )
            audit.record(
                audit.CoreAction.ATTACHMENT_ADDED,
                actor=actor,
                obj=attachment,
                after=audit.snapshot(attachment)
                | {"parent": f"{parent._meta.label_lower}:{parent.pk}"},
            )
    except BaseException:
        for path in (temp, final):
            with contextlib.suppress(OSError):  # the folder itself may be what failed
                path.unlink(missing_ok=True)
        raise
    return attachment


def delete_attachment(attachment: Attachment, parent: models.Model, *, actor: Actor) -> None:
    """Remove the row (audited). The file goes with the next ``prune_unreferenced``.

    Leaving the file for a while keeps a backup that is copying the media folder
    from missing a file its database snapshot still names.
    """
    if not may_attach(actor, parent):
        raise PermissionDenied(_("You may not delete files of this object."))
    with transaction.atomic():
        before = audit.snapshot(attachment)
        pk = attachment.pk
        Attachment.objects.filter(pk=pk).delete()
        audit.record(
            audit.CoreAction.ATTACHMENT_DELETED,
            actor=actor,
            object_type=Attachment._meta.label_lower,
            object_id=str(pk),
            classification=attachment.classification,
            committee_id=attachment.committee_id,
            before=before,
        )


PRUNE_GRACE = dt.timedelta(hours=1)


def prune_unreferenced(*, older_than: dt.timedelta = PRUNE_GRACE) -> list[Path]:
    """Delete stored files no attachment row names, last changed before ``older_than`` ago.

    They are files of deleted attachments, and files of uploads whose
    transaction rolled back after the file was written. The grace period lets
    a running backup finish copying and a slow upload commit.
    """
    root = storage_dir()
    if not root.exists():
        return []
    cutoff = clock.now().timestamp() - older_than.total_seconds()
    candidates = [p for p in root.glob("*/*") if p.is_file() and p.stat().st_mtime < cutoff]
    names = {p.name.removeprefix(".").removesuffix(".part") for p in candidates}
    known = set(
        Attachment.objects.filter(stored_name__in=names).values_list("stored_name", flat=True)
    )
    removed = []
    for path in candidates:
        if path.name.removeprefix(".").removesuffix(".part") not in known:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def content_disposition(name: str) -> str:
    """RFC 6266 / 5987: an ASCII fallback and the UTF-8 name, both free of path and quotes."""
    name = safe_name(name, os.path.splitext(name)[1].lower() or "")
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = re.sub(r"[^A-Za-z0-9._ -]", "_", fallback).strip() or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_response(request: HttpRequest, pk: int) -> FileResponse:
    """The file, if the parent is visible and the file within clearance; else 404.

    A classified file's download is recorded in the audit chain.
    """
    attachment, _parent = visible_attachment(pk, request.user)
    path = stored_path(attachment.stored_name)
    if not path.exists():
        raise Http404
    audit.record_view(request.user, [attachment], about=attachment, path=request.path)
    response = FileResponse(path.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an upload once it passes the limit, before it fills the disk.

    The request is marked, and the views answer with the same message as the
    service (the file never reaches them).
    """

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > max_upload_bytes():
            if self.request is not None:
                self.request.vigil_upload_too_large = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_too_large(request: Any) -> ValidationError | None:
    """The size refusal for a request whose upload the handler stopped."""
    if getattr(request, "vigil_upload_too_large", False) or getattr(
        getattr(request, "_request", None), "vigil_upload_too_large", False
    ):
        return ValidationError(
            _("The file is larger than %(mb)s MB, the most Vigil accepts.")
            % {"mb": max_upload_bytes() // (1024 * 1024)}
        )
    return None
