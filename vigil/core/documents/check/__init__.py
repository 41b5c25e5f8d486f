"""Check a .docx against the Decree 30/2020 layout (DOMAIN.md, "Documents").

``check_docx(source)`` opens the file with python-docx and returns what breaks
the rules: page size and margins, fonts (all four slots), the header table,
number and date lines, type and subject, stamps, body paragraphs, "Nơi nhận"
and the signature block, page numbers from page 2, appendices. An empty list
means the layout holds. Used by the tests of every generated document and by
operators as ``vigil docx check FILE``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from docx import Document

from vigil.core.documents.check.body import BodyChecker
from vigil.core.documents.check.reading import Finding

__all__ = ["Finding", "check_docx"]


def check_docx(source: bytes | str | Path | IO[bytes]) -> list[Finding]:
    """What in the document breaks the Decree 30 layout; empty when nothing does."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    document = Document(str(source) if isinstance(source, Path) else source)
    checker = BodyChecker(document)
    checker.page()
    checker.fonts()
    letter = checker.header()
    checker.body(letter)
    checker.page_numbers()
    return checker.findings
