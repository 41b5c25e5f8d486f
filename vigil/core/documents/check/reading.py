"""What the Decree 30 checker reads from a .docx: the rule constants, a finding,
and the run and paragraph properties as Word resolves them (direct formatting,
then the style chain)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph as DocxParagraph

from vigil.core.documents.official import (
    CIRCULATION_NOTICES,
    CLASSIFICATION_STAMPS,
    DRAFT_MARK,
    URGENCIES,
)

FONT = "Times New Roman"
MOTTOS = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")
SLOGAN = "Độc lập - Tự do - Hạnh phúc"
NUMBER_LINE = re.compile(
    r"Số:\s*(?P<number>\d*)\s*/\s*(?P<code>[0-9A-Za-zĐđ]+(?:-[0-9A-Za-zĐđ.]+)*)|Số:"
)
DATE_LINE = re.compile(
    r"(?P<place>[^,]+), ngày (?P<day>\d{1,2}) tháng (?P<month>\d{1,2}) năm (?P<year>\d{4})"
)
FORMS = re.compile(r"(TM|KT|TL|TUQ|Q)\.\s+\S")
MARKS = {m for m in (*URGENCIES, *CLASSIFICATION_STAMPS, *CIRCULATION_NOTICES, DRAFT_MARK) if m}
DOUBLED_DASH = re.compile(r"^[-–—]\s*[-–—]")
AS_ABOVE = re.compile(r"^[-–—]?\s*Như trên\b", re.IGNORECASE)
TOLERANCE = Mm(0.5)


@dataclass(frozen=True)
class Finding:
    rule: str  # a stable code: "page.margins", "header.date", …
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def as_mm(length: int | None) -> str:
    return f"{(length or 0) / Mm(1):.1f}"


def style_chain(paragraph: DocxParagraph) -> Iterator[Any]:
    style = paragraph.style
    while style is not None:
        yield style
        style = style.base_style


def run_size(run: Any, paragraph: DocxParagraph) -> float | None:
    if run.font.size is not None:
        return float(run.font.size.pt)
    for style in style_chain(paragraph):
        if style.font.size is not None:
            return float(style.font.size.pt)
    return None


def run_flag(run: Any, paragraph: DocxParagraph, name: str) -> bool:
    value = getattr(run.font, name)
    if value is not None:
        return bool(value)
    for style in style_chain(paragraph):
        value = getattr(style.font, name)
        if value is not None:
            return bool(value)
    return False


def text_runs(paragraph: DocxParagraph) -> list[Any]:
    return [run for run in paragraph.runs if run.text.strip()]


def paragraph_sizes(paragraph: DocxParagraph) -> set[float | None]:
    return {run_size(run, paragraph) for run in text_runs(paragraph)}


def all_have(paragraph: DocxParagraph, name: str) -> bool:
    runs = text_runs(paragraph)
    return bool(runs) and all(run_flag(run, paragraph, name) for run in runs)


def none_have(paragraph: DocxParagraph, name: str) -> bool:
    return not any(run_flag(run, paragraph, name) for run in text_runs(paragraph))


def sizes_within(paragraph: DocxParagraph, low: float, high: float) -> bool:
    sizes = paragraph_sizes(paragraph)
    return bool(sizes) and all(s is not None and low <= s <= high for s in sizes)


def centred(paragraph: DocxParagraph) -> bool:
    return paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER


def borders(paragraph: DocxParagraph) -> set[str]:
    ppr = paragraph._p.pPr
    found = ppr.find(qn("w:pBdr")) if ppr is not None else None
    if found is None:
        return set()
    return {
        edge.tag.split("}")[1]
        for edge in found
        if edge.get(qn("w:val")) not in (None, "nil", "none")
    }


def has_drawing(paragraph: DocxParagraph) -> bool:
    return bool(paragraph._p.xpath(".//w:drawing | .//w:pict"))
