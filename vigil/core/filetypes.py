"""What a file is, read from its bytes, never from its name.

Small sniffers for the types Vigil accepts: PDF, PNG, JPEG, DOCX and XLSX
(zip packages whose ``[Content_Types].xml`` names the main part), and UTF-8
plain text or CSV.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CONTENT_TYPES_MAX = 1 << 20  # a [Content_Types].xml larger than 1 MB is not a real one


@dataclass(frozen=True)
class FileKind:
    code: str
    extension: str
    media_type: str


KINDS = {
    k.code: k
    for k in (
        FileKind("pdf", ".pdf", "application/pdf"),
        FileKind("png", ".png", "image/png"),
        FileKind("jpeg", ".jpg", "image/jpeg"),
        FileKind(
            "docx",
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileKind(
            "xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        FileKind("txt", ".txt", "text/plain; charset=utf-8"),
        FileKind("csv", ".csv", "text/csv; charset=utf-8"),
    )
}
# What a name's extension claims (for the "claims to be a PDF but is not" check).
EXTENSIONS = {
    ".pdf": "pdf", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".docx": "docx",
    ".xlsx": "xlsx", ".txt": "txt", ".csv": "csv",
}  # fmt: skip


def _zip_kind(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as package:
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > CONTENT_TYPES_MAX:
                return None
            root = ElementTree.fromstring(package.read(info))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError):
        return None
    except Exception:  # defusedxml refuses entities and the like: not a document we take
        return None
    types = {el.get("ContentType") for el in root if el.tag.endswith("Override")}
    if DOCX_MAIN in types:
        return "docx"
    if XLSX_MAIN in types:
        return "xlsx"
    return None


def _is_utf8_text(path: Path) -> bool:
    data = path.read_bytes()
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    # Control characters other than tab, CR, LF, form feed mean a binary file.
    return not any(ord(c) < 32 and c not in "\t\r\n\f" for c in text)


def sniff(path: Path, claimed_extension: str = "") -> str | None:
    """The kind code of the file at ``path``, or None when Vigil does not take it.

    Text has no signature, so text files become CSV when named so, plain text otherwise.
    """
    with path.open("rb") as f:
        head = f.read(8)
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 1024))
        tail = f.read()
    if head.startswith(b"%PDF-") and b"%%EOF" in tail:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if _is_utf8_text(path):
        return "csv" if claimed_extension == ".csv" else "txt"
    return None
