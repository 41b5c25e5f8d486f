"""Check a .docx against the Decree 30/2020 layout (DOMAIN.md, "Documents").

``check_docx(source)`` opens the file with python-docx and returns what breaks
the rules: page size and margins, fonts (all four slots), the header table,
number and date lines, type and subject, stamps, body paragraphs, "Nơi nhận"
and the signature block, page numbers from page 2, appendices. An empty list
means the layout holds. Used by the tests of every generated document and by
operators as ``vigil docx check FILE``.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from vigil.core.documents.decree30 import (
    ARTICLE,
    CIRCULATION_NOTICES,
    CLASSIFICATION_STAMPS,
    DRAFT_MARK,
    HEADING,
    URGENCIES,
)
from vigil.core.documents.metrics import wrapped_width_pt

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


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _mm(length: int | None) -> str:
    return f"{(length or 0) / Mm(1):.1f}"


def _style_chain(paragraph: DocxParagraph) -> Iterator[Any]:
    style = paragraph.style
    while style is not None:
        yield style
        style = style.base_style


def _size(run: Any, paragraph: DocxParagraph) -> float | None:
    if run.font.size is not None:
        return float(run.font.size.pt)
    for style in _style_chain(paragraph):
        if style.font.size is not None:
            return float(style.font.size.pt)
    return None


def _flag(run: Any, paragraph: DocxParagraph, name: str) -> bool:
    value = getattr(run.font, name)
    if value is not None:
        return bool(value)
    for style in _style_chain(paragraph):
        value = getattr(style.font, name)
        if value is not None:
            return bool(value)
    return False


def _runs(paragraph: DocxParagraph) -> list[Any]:
    return [run for run in paragraph.runs if run.text.strip()]


def _sizes(paragraph: DocxParagraph) -> set[float | None]:
    return {_size(run, paragraph) for run in _runs(paragraph)}


def _all(paragraph: DocxParagraph, name: str) -> bool:
    runs = _runs(paragraph)
    return bool(runs) and all(_flag(run, paragraph, name) for run in runs)


def _none(paragraph: DocxParagraph, name: str) -> bool:
    return not any(_flag(run, paragraph, name) for run in _runs(paragraph))


def _within(paragraph: DocxParagraph, low: float, high: float) -> bool:
    sizes = _sizes(paragraph)
    return bool(sizes) and all(s is not None and low <= s <= high for s in sizes)


def _centred(paragraph: DocxParagraph) -> bool:
    return paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER


def _borders(paragraph: DocxParagraph) -> set[str]:
    ppr = paragraph._p.pPr
    found = ppr.find(qn("w:pBdr")) if ppr is not None else None
    if found is None:
        return set()
    return {
        edge.tag.split("}")[1]
        for edge in found
        if edge.get(qn("w:val")) not in (None, "nil", "none")
    }


def _has_drawing(paragraph: DocxParagraph) -> bool:
    return bool(paragraph._p.xpath(".//w:drawing | .//w:pict"))


class _Checker:
    def __init__(self, document: Any) -> None:
        self.document = document
        self.findings: list[Finding] = []
        self.empty_number = False
        self.has_addressees = False
        self.telegram = False

    def fail(self, rule: str, message: str) -> None:
        self.findings.append(Finding(rule, message))

    # Page ------------------------------------------------------------------
    def page(self) -> None:
        for number, section in enumerate(self.document.sections, 1):
            width, height = section.page_width or 0, section.page_height or 0
            a4 = {(Mm(210), Mm(297)), (Mm(297), Mm(210))}
            if not any(abs(width - w) <= TOLERANCE and abs(height - h) <= TOLERANCE for w, h in a4):
                self.fail(
                    "page.size",
                    _("Section %(n)s is %(w)s × %(h)s mm, not A4.")
                    % {"n": number, "w": _mm(width), "h": _mm(height)},
                )
            if number == 1 and width > height:
                self.fail("page.orientation", _("The first page is not portrait."))
            ranges = (
                (pgettext("page margin", "top"), section.top_margin, 20, 25),
                (pgettext("page margin", "bottom"), section.bottom_margin, 20, 25),
                (pgettext("page margin", "left"), section.left_margin, 30, 35),
                (pgettext("page margin", "right"), section.right_margin, 15, 20),
            )
            for side, value, low, high in ranges:
                if value is None or not Mm(low) - TOLERANCE <= value <= Mm(high) + TOLERANCE:
                    self.fail(
                        "page.margins",
                        _(
                            "Section %(n)s: the %(side)s margin is %(mm)s mm, not %(low)s–%(high)s mm."
                        )
                        % {"n": number, "side": side, "mm": _mm(value), "low": low, "high": high},
                    )

    # Fonts -----------------------------------------------------------------
    def _slots(self, element: Any) -> dict[str, str | None]:
        fonts = element.find(qn("w:rFonts")) if element is not None else None
        if fonts is None:
            return {}
        slots: dict[str, str | None] = {}
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            if fonts.get(qn(f"w:{slot}Theme" if slot != "cs" else "w:cstheme")) is not None:
                slots[slot] = "theme"
            elif fonts.get(qn(f"w:{slot}")) is not None:
                slots[slot] = fonts.get(qn(f"w:{slot}"))
        return slots

    def fonts(self) -> None:
        styles = self.document.styles.element
        defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        base = self._slots(defaults)
        if any(base.get(slot) != FONT for slot in ("ascii", "hAnsi", "eastAsia", "cs")):
            self.fail(
                "font.defaults",
                _("The document's default font is not Times New Roman in every script slot."),
            )
        normal = self._slots(self.document.styles["Normal"].element.rPr)
        if any({**base, **normal}.get(s) != FONT for s in ("ascii", "hAnsi", "eastAsia", "cs")):
            self.fail("font.styles", _("The Normal style is not Times New Roman in every slot."))
        themed = [
            fonts
            for fonts in styles.iter(qn("w:rFonts"))
            if any(name.endswith(("Theme", "theme")) for name in fonts.attrib)
        ]
        if themed:
            self.fail(
                "font.styles",
                _("%(count)s styles take their font from the theme, not Times New Roman.")
                % {"count": len(themed)},
            )
        bad = []
        for paragraph in self._every_paragraph():
            inherited = dict(base)
            for style in reversed(list(_style_chain(paragraph))):
                inherited.update(self._slots(style.element.rPr))
            for run in _runs(paragraph):
                slots = {**inherited, **self._slots(run._r.rPr)}
                if any(slots.get(s) != FONT for s in ("ascii", "hAnsi", "eastAsia", "cs")):
                    bad.append(run.text.strip())
        if bad:
            self.fail(
                "font.runs",
                _(
                    "%(count)s runs are not Times New Roman in all four slots "
                    "(ascii, hAnsi, eastAsia, cs), the first: “%(text)s”."
                )
                % {"count": len(bad), "text": bad[0][:40]},
            )

    def _every_paragraph(self) -> Iterator[DocxParagraph]:
        yield from self.document.paragraphs
        for table in self.document.tables:
            yield from self._table_paragraphs(table)
        for section in self.document.sections:
            for part in (section.header, section.first_page_header, section.footer):
                if not part.is_linked_to_previous:
                    yield from part.paragraphs

    def _table_paragraphs(self, table: DocxTable) -> Iterator[DocxParagraph]:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
                for inner in cell.tables:
                    yield from self._table_paragraphs(inner)

    # Header table ------------------------------------------------------------
    def _borderless(self, table: DocxTable) -> bool:
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        if borders is not None:
            return all(edge.get(qn("w:val")) in ("nil", "none") for edge in borders)
        return table.style is None or table.style.name in ("Normal Table", "Table Normal")

    def _cell_margins(self, table: DocxTable) -> int:
        """Left plus right cell margin (Word's default: 108 twips each side)."""
        total = 0
        margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
        for side in ("left", "right"):
            edge = margins.find(qn(f"w:{side}")) if margins is not None else None
            twips = int(edge.get(qn("w:w"), "108")) if edge is not None else 108
            total += twips * 635  # EMU per twip
        return total

    def _rule_after(
        self, paragraphs: list[DocxParagraph], index: int, text: str, size: float, width: int,
        low: float, high: float, rule: str, what: str,
    ) -> None:  # fmt: skip
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        if following is None or following.text.strip():
            self.fail(rule, _("No rule under %(what)s.") % {"what": what})
            return
        if _has_drawing(following):
            return
        if "bottom" not in _borders(following):
            self.fail(rule, _("No rule under %(what)s.") % {"what": what})
            return
        fmt = following.paragraph_format
        left, right = int(fmt.left_indent or 0), int(fmt.right_indent or 0)
        if abs(left - right) > Mm(1):
            self.fail(rule, _("The rule under %(what)s is not centred.") % {"what": what})
        length = width - left - right
        measured = Pt(wrapped_width_pt(_norm(text), size, width / Pt(1), bold=True))
        ratio = length / measured if measured else 0
        if not low <= ratio <= high:
            self.fail(
                rule,
                _("The rule under %(what)s is %(ratio)s of the text's length, not %(range)s.")
                % {"what": what, "ratio": f"{ratio:.2f}", "range": f"{low:.2f}–{high:.2f}"},
            )

    def header(self) -> bool:
        """Boxes 1–5b. Returns whether the document is a công văn (a "V/v" line)."""
        body = self.document.element.body
        first = next(iter(body.iterchildren()), None)
        if first is None or first.tag != qn("w:tbl"):
            self.fail("header.table", _("The document does not open with the header table."))
            return False
        table = DocxTable(first, self.document._body)
        if len(table.columns) != 2:
            self.fail("header.table", _("The header table does not have two columns."))
            return False
        if not self._borderless(table):
            self.fail("header.table", _("The header table has visible borders."))
        margins = self._cell_margins(table)
        width = [int(c.width or 0) - margins for c in table.columns]
        left = [p for cell in table.columns[0].cells for p in cell.paragraphs]
        right = [p for cell in table.columns[1].cells for p in cell.paragraphs]
        self._issuer(left, width[0])
        self._motto(right, width[1])
        return any(p.text.strip().startswith("V/v") for p in left)

    def _issuer(self, left: list[DocxParagraph], width: int) -> None:
        number_at = next((i for i, p in enumerate(left) if p.text.strip().startswith("Số")), None)
        if number_at is None:
            self.fail("header.number", _("The header has no “Số:” line."))
            return
        names = [i for i, p in enumerate(left[:number_at]) if p.text.strip()]
        if not names:
            self.fail("header.issuer", _("The header does not name the issuing body."))
            return
        issuer = left[names[-1]]
        text = _norm(issuer.text)
        if text != text.upper() or not _all(issuer, "bold") or not _within(issuer, 12, 13):
            self.fail(
                "header.issuer",
                _("The issuing body must be bold capitals, size 12–13: “%(text)s”.")
                % {"text": text},
            )
        for index in names[:-1]:
            parent = left[index]
            if _norm(parent.text) != _norm(parent.text).upper() or not _none(parent, "bold"):
                self.fail(
                    "header.parent",
                    _("The parent body must be regular capitals: “%(text)s”.")
                    % {"text": _norm(parent.text)},
                )
            if not _within(parent, 12, 13):
                self.fail("header.parent", _("The parent body must be size 12–13."))
        self._rule_after(
            left, names[-1], text, 13, width, 0.30, 0.55, "header.issuer_rule",
            _("the issuing body"),
        )  # fmt: skip
        number = left[number_at]
        line = _norm(number.text)
        if not NUMBER_LINE.fullmatch(line):
            self.fail(
                "header.number",
                _("The number line “%(text)s” is not in the form “Số: 05/BC-BCĐ”.")
                % {"text": line},
            )
        else:
            found = NUMBER_LINE.fullmatch(line)
            digits = found["number"] if found else ""
            self.empty_number = not digits
            if digits and int(digits) < 10 and len(digits) < 2:
                self.fail(
                    "header.number",
                    _("Numbers below 10 take a leading zero: “%(text)s”.") % {"text": line},
                )
        if not _within(number, 13, 13) or not _none(number, "bold"):
            self.fail("header.number", _("The number line must be regular, size 13."))
        for paragraph in left[number_at + 1 :]:
            text = paragraph.text.strip()
            if text.startswith("V/v") and (
                not _within(paragraph, 12, 13) or _all(paragraph, "bold")
            ):
                self.fail("header.subject", _("The “V/v” line must be regular, size 12–13."))

    def _motto(self, right: list[DocxParagraph], width: int) -> None:
        texts = [_norm(p.text) for p in right]
        motto_at = next((i for i, t in enumerate(texts) if t in MOTTOS), None)
        if motto_at is None:
            self.fail("header.motto", _("The header has no Quốc hiệu."))
        else:
            motto = right[motto_at]
            if not _all(motto, "bold") or not _within(motto, 12, 13):
                self.fail("header.motto", _("The Quốc hiệu must be bold, size 12–13."))
        slogan_at = next((i for i, t in enumerate(texts) if t == SLOGAN), None)
        if slogan_at is None:
            self.fail(
                "header.slogan", _("The header has no Tiêu ngữ “%(text)s”.") % {"text": SLOGAN}
            )
        else:
            slogan = right[slogan_at]
            if not _all(slogan, "bold") or not _within(slogan, 13, 14):
                self.fail("header.slogan", _("The Tiêu ngữ must be bold, size 13–14."))
            if motto_at is not None and slogan_at < motto_at:
                self.fail("header.slogan", _("The Tiêu ngữ must be under the Quốc hiệu."))
            size = max((s for s in _sizes(slogan) if s), default=14.0)
            self._rule_after(
                right, slogan_at, SLOGAN, size, width, 0.85, 1.15, "header.slogan_rule",
                _("the Tiêu ngữ"),
            )  # fmt: skip
        dates = [p for p in right if DATE_LINE.fullmatch(_norm(p.text))]
        if not dates:
            self.fail(
                "header.date",
                _("The header has no place and date line “…, ngày 05 tháng 01 năm 2020”."),
            )
            return
        date = dates[0]
        found = DATE_LINE.fullmatch(_norm(date.text))
        assert found is not None
        day, month = found["day"], found["month"]
        wrong = len(day) != 2 or (int(month) <= 2 and len(month) != 2)
        wrong = wrong or (int(month) > 2 and month.startswith("0"))
        if wrong:
            self.fail(
                "header.date",
                _(
                    "The date line “%(text)s” breaks the leading-zero rule (days below 10 "
                    "and months 1–2 take a zero, other months none)."
                )
                % {"text": _norm(date.text)},
            )
        try:
            dt.date(int(found["year"]), int(month), int(day))
        except ValueError:
            self.fail("header.date", _("The date line names no real date."))
        if not _all(date, "italic") or not _within(date, 13, 14):
            self.fail("header.date", _("The place and date line must be italic, size 13–14."))

    # After the header ----------------------------------------------------------
    def _top_level(self) -> list[tuple[Any, int]]:
        """Body elements after the header table, each with its section's number."""
        items, section = [], 0
        for element in list(self.document.element.body.iterchildren())[1:]:
            if element.tag in (qn("w:p"), qn("w:tbl")):
                items.append((element, section))
            if (
                element.tag == qn("w:p")
                and element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
            ):
                section += 1
        return items

    def body(self, letter: bool) -> None:
        body = self.document._body
        items = self._top_level()
        paragraphs = [
            (DocxParagraph(e, body), s) for e, s in items if e.tag == qn("w:p")
        ]  # fmt: skip
        signature_at = None
        for index, (element, _section) in enumerate(items):
            if element.tag == qn("w:tbl"):
                table = DocxTable(element, body)
                if table.rows and table.rows[0].cells[0].text.strip().startswith("Nơi nhận"):
                    signature_at = index
                    self.signature(table)
                    break
        if signature_at is None:
            self.fail("signature.missing", _("The document has no “Nơi nhận” and signature table."))
        main = [
            DocxParagraph(e, body)
            for e, _s in items[: signature_at if signature_at is not None else len(items)]
            if e.tag == qn("w:p")
        ]
        texts = [p for p in main if p.text.strip()]
        marks = [p for p in texts if _norm(p.text).upper() in MARKS]
        for mark in marks:
            if not _all(mark, "bold") or not {"top", "bottom", "left", "right"} <= _borders(mark):
                self.fail(
                    "stamp.style",
                    _("The mark “%(text)s” must be bold and boxed.") % {"text": _norm(mark.text)},
                )
            if not _within(mark, 13, 14):
                self.fail(
                    "stamp.style",
                    _("The mark “%(text)s” must be size 13–14.") % {"text": _norm(mark.text)},
                )
        rest = [p for p in texts if p not in marks]
        draft = any(_norm(m.text).upper() == DRAFT_MARK for m in marks)
        if self.empty_number and not draft:
            self.fail(
                "header.number_empty",
                _("The number is empty on a document not marked “%(mark)s”.")
                % {"mark": DRAFT_MARK},
            )
        kind = _norm(rest[0].text).upper() if rest and not letter else ""
        if not letter:
            rest = self._title(rest)
        if kind == "QUYẾT ĐỊNH":
            rest = self._decision(rest)
        if letter and not (rest and rest[0].text.strip().startswith("Kính gửi")):
            self.fail(
                "addressees.missing", _("A công văn must say whom it is sent to (“Kính gửi:”).")
            )
        if kind == "CÔNG ĐIỆN" and rest and _norm(rest[0].text).endswith(" điện:"):
            rest = self._telegram(rest)
        self.has_addressees = bool(rest and rest[0].text.strip().startswith("Kính gửi"))
        rest = self._addressees(rest)
        for paragraph in rest:
            self._body_paragraph(paragraph)
            self._heading(paragraph)
        if signature_at is not None and not self.telegram:
            self._as_above(DocxTable(items[signature_at][0], body))
        self.appendices(paragraphs)

    def _decision(self, rest: list[DocxParagraph]) -> list[DocxParagraph]:
        """Mẫu 1.2/1.3: authority line, "Căn cứ …", "QUYẾT ĐỊNH:", then articles."""
        texts = [_norm(p.text) for p in rest]
        verb = next((i for i, t in enumerate(texts) if t == "QUYẾT ĐỊNH:"), None)
        if verb is None:
            self.fail(
                "decision.verb", _("A quyết định needs the line “QUYẾT ĐỊNH:” before its articles.")
            )
            return rest
        if not _all(rest[verb], "bold") or not _centred(rest[verb]):
            self.fail("decision.verb", _("“QUYẾT ĐỊNH:” must be bold and centred."))
        preamble = rest[:verb]
        if not preamble or _norm(preamble[0].text) != _norm(preamble[0].text).upper():
            self.fail(
                "decision.authority",
                _("A quyết định names the deciding authority in capitals before its legal bases."),
            )
        if not any(t.startswith("Căn cứ") for t in texts[:verb]):
            self.fail("decision.bases", _("A quyết định states its legal bases (“Căn cứ …”)."))
        if not any(ARTICLE.match(t) for t in texts[verb + 1 :]):
            self.fail("decision.articles", _("A quyết định decides in articles (“Điều 1.”)."))
        for paragraph in preamble[1:]:
            self._body_paragraph(paragraph)
        return rest[verb + 1 :]

    def _telegram(self, rest: list[DocxParagraph]) -> list[DocxParagraph]:
        """A công điện: "<SENDER> điện:" and its recipients, one per line."""
        self.telegram = True
        items = []
        for paragraph in rest[1:]:
            if not paragraph.text.strip().startswith("-"):
                break
            items.append(paragraph)
        for number, item in enumerate(items, 1):
            text = _norm(item.text)
            end = "." if number == len(items) else ";"
            if DOUBLED_DASH.match(text) or not text.endswith(end):
                self.fail(
                    "addressees.list",
                    _("“%(text)s” must start with one dash and end with “%(end)s”.")
                    % {"text": text, "end": end},
                )
        return rest[1 + len(items) :]

    def _heading(self, paragraph: DocxParagraph) -> None:
        """Box 6: part titles bold; an article's label "Điều n." bold."""
        text = _norm(paragraph.text)
        runs = [r for r in _runs(paragraph) if r.text.strip()]
        if HEADING.match(text) and not _all(paragraph, "bold"):
            self.fail(
                "body.heading", _("The heading “%(text)s” must be bold.") % {"text": text[:40]}
            )
        article = ARTICLE.match(text)
        if article and runs and not _flag(runs[0], paragraph, "bold"):
            self.fail(
                "body.heading",
                _("The article label “%(text)s” must be bold.") % {"text": article[1]},
            )

    def _as_above(self, table: DocxTable) -> None:
        left = [p for p in table.columns[0].cells[0].paragraphs if p.text.strip()]
        for item in left[1:]:
            text = _norm(item.text)
            if AS_ABOVE.match(text) and not self.has_addressees:
                self.fail(
                    "signature.as_above",
                    _("“Như trên” refers to a “Kính gửi” the document does not have."),
                )

    def _title(self, rest: list[DocxParagraph]) -> list[DocxParagraph]:
        if len(rest) < 2:
            self.fail("title.missing", _("The document has no type and subject."))
            return []
        kind, subject = rest[0], rest[1]
        text = _norm(kind.text)
        if text != text.upper() or not _all(kind, "bold") or not _centred(kind):
            self.fail(
                "title.type",
                _("The document type must be bold centred capitals: “%(text)s”.") % {"text": text},
            )
        if not _within(kind, 13, 14):
            self.fail("title.type", _("The document type must be size 13–14."))
        if not _all(subject, "bold") or not _centred(subject) or not _within(subject, 13, 14):
            self.fail("title.subject", _("The subject must be bold, centred, size 13–14."))
        paragraphs = self.document.paragraphs
        at = next((i for i, p in enumerate(paragraphs) if p._p is subject._p), None)
        if at is not None:
            section = self.document.sections[0]
            width = int(section.page_width - section.left_margin - section.right_margin)
            self._rule_after(
                paragraphs, at, subject.text, 14, width, 0.30, 0.55, "title.rule",
                _("the subject"),
            )  # fmt: skip
        return rest[2:]

    def _addressees(self, rest: list[DocxParagraph]) -> list[DocxParagraph]:
        if not rest or not rest[0].text.strip().startswith("Kính gửi"):
            return rest
        head = rest[0]
        if not _within(head, 13, 14):
            self.fail("addressees.style", _("“Kính gửi:” must be size 13–14."))
        if _norm(head.text).rstrip(":") != "Kính gửi":
            return rest[1:]
        items = []
        for paragraph in rest[1:]:
            if not paragraph.text.strip().startswith("-"):
                break
            items.append(_norm(paragraph.text))
        if len(items) < 2:
            self.fail("addressees.list", _("Several recipients after “Kính gửi:”, one per line."))
        for number, item in enumerate(items, 1):
            end = "." if number == len(items) else ";"
            if DOUBLED_DASH.match(item):
                self.fail(
                    "addressees.list", _("“%(text)s” starts with two dashes.") % {"text": item}
                )
            if not item.endswith(end):
                self.fail(
                    "addressees.list",
                    _("“%(text)s” must end with “%(end)s”.") % {"text": item, "end": end},
                )
        return rest[1 + len(items) :]

    def _body_paragraph(self, paragraph: DocxParagraph) -> None:
        text = _norm(paragraph.text)
        if _centred(paragraph) and _all(paragraph, "bold"):
            return  # a table's or a part's title
        if text.startswith("Phụ lục"):
            return
        if not _within(paragraph, 13, 14):
            self.fail(
                "body.size", _("Body text must be size 13–14: “%(text)s”.") % {"text": text[:40]}
            )
            return
        fmt = paragraph.paragraph_format
        if paragraph.alignment != WD_ALIGN_PARAGRAPH.JUSTIFY:
            self.fail(
                "body.justify", _("Body text must be justified: “%(text)s”.") % {"text": text[:40]}
            )
        indent = fmt.first_line_indent or 0
        if not any(abs(indent - Cm(c)) <= Mm(0.3) for c in (1.0, 1.27)):
            self.fail(
                "body.indent",
                _("The first line must be indented 1 or 1.27 cm: “%(text)s”.")
                % {"text": text[:40]},
            )
        before, after = fmt.space_before or 0, fmt.space_after or 0
        if max(before, after) < Pt(6) - 1:
            self.fail(
                "body.spacing",
                _("Paragraph spacing must be at least 6 pt: “%(text)s”.") % {"text": text[:40]},
            )
        spacing = fmt.line_spacing
        if isinstance(spacing, Length):
            sizes = [s for s in _sizes(paragraph) if s]
            ok = bool(sizes) and max(sizes) * 1.0 <= spacing.pt <= max(sizes) * 1.5 * 1.2
        else:
            ok = spacing is None or 1.0 <= spacing <= 1.5
        if not ok:
            self.fail(
                "body.line_spacing",
                _("Line spacing must be single to 1.5 lines: “%(text)s”.") % {"text": text[:40]},
            )

    # Signature ---------------------------------------------------------------
    def signature(self, table: DocxTable) -> None:
        if not self._borderless(table):
            self.fail("signature.table", _("The signature table has visible borders."))
        if len(table.columns) != 2:
            self.fail("signature.table", _("The signature table does not have two columns."))
            return
        left = [p for p in table.columns[0].cells[0].paragraphs if p.text.strip()]
        right = list(table.columns[1].cells[0].paragraphs)
        if not left:
            self.fail("signature.recipients", _("“Nơi nhận:” must be bold italic on its own line."))
            return
        head = left[0]
        if _norm(head.text) != "Nơi nhận:" or not (_all(head, "bold") and _all(head, "italic")):
            self.fail("signature.recipients", _("“Nơi nhận:” must be bold italic on its own line."))
        if not _within(head, 12, 12):
            self.fail("signature.recipients", _("“Nơi nhận:” must be size 12."))
        items = [p for p in left[1:] if p.text.strip().startswith("-")]
        for number, item in enumerate(items, 1):
            end = "." if number == len(items) else ";"
            text = _norm(item.text)
            if DOUBLED_DASH.match(text):
                self.fail(
                    "signature.recipients",
                    _("“%(text)s” starts with two dashes.") % {"text": text},
                )
            if not text.endswith(end):
                self.fail(
                    "signature.recipients",
                    _("“%(text)s” must end with “%(end)s”.") % {"text": text, "end": end},
                )
            if not _within(item, 11, 11):
                self.fail(
                    "signature.recipients",
                    _("The recipient list must be size 11: “%(text)s”.") % {"text": text},
                )
        lines = [p for p in right if p.text.strip()]
        if len(lines) < 2:
            self.fail("signature.block", _("The signature block needs an authority and a name."))
            return
        authority, name = lines[0], lines[-1]
        text = _norm(authority.text)
        if text != text.upper() or not _all(authority, "bold") or not _within(authority, 13, 14):
            self.fail(
                "signature.authority",
                _("The signing authority must be bold capitals, size 13–14: “%(text)s”.")
                % {"text": text},
            )
        if "." in text.split(" ")[0] and not FORMS.match(text):
            self.fail(
                "signature.authority",
                _("Unknown signing form in “%(text)s” (TM., KT., TL., TUQ., Q.).") % {"text": text},
            )
        if text.startswith("KT.") and len(lines) < 3:
            self.fail("signature.authority", _("A KT. signature must show the signer's own title."))
        if _norm(name.text) == _norm(name.text).upper() or not _all(name, "bold"):
            self.fail("signature.name", _("The signer's name must be bold, in normal case."))
        if not _within(name, 13, 14):
            self.fail("signature.name", _("The signer's name must be size 13–14."))
        for line in lines[1:-1]:
            if not _all(line, "bold") or _norm(line.text) != _norm(line.text).upper():
                self.fail(
                    "signature.title",
                    _("The signer's titles must be bold capitals: “%(text)s”.")
                    % {"text": _norm(line.text)},
                )
        # Space for the signature and seal: empty lines between two lines of the block.
        filled = [i for i, p in enumerate(right) if p.text.strip()]
        gaps = [b - a - 1 for a, b in itertools.pairwise(filled)]
        if max(gaps, default=0) < 2:
            self.fail("signature.space", _("The signature block leaves no space to sign."))

    # Page numbers and appendices ---------------------------------------------
    def _page_field(self, part: Any) -> DocxParagraph | None:
        paragraph: DocxParagraph
        for paragraph in part.paragraphs:
            instructions = "".join(paragraph._p.xpath(".//w:instrText/text()"))
            simple = paragraph._p.xpath(".//w:fldSimple/@w:instr")
            if "PAGE" in instructions.upper() or any("PAGE" in s.upper() for s in simple):
                return paragraph
        return None

    def page_numbers(self) -> None:
        sections = self.document.sections
        first = sections[0]
        if not first.different_first_page_header_footer:
            self.fail(
                "page_numbers.first",
                _("The first page must not show a page number (“different first page” is off)."),
            )
        elif self._page_field(first.first_page_header) is not None:
            self.fail("page_numbers.first", _("The first page's header shows a page number."))
        for number, section in enumerate(sections, 1):
            field = self._page_field(section.header)
            if field is None:
                self.fail(
                    "page_numbers.field",
                    _("Section %(n)s has no PAGE field in its header.") % {"n": number},
                )
                continue
            if not _centred(field):
                self.fail("page_numbers.style", _("The page number must be centred."))
            runs = list(field.runs)
            sizes = {_size(r, field) for r in runs if r._r.xpath("./w:t")}
            if not sizes or not all(s is not None and 13 <= s <= 14 for s in sizes):
                self.fail("page_numbers.style", _("The page number must be size 13–14."))
            if any(_flag(r, field, "italic") for r in runs):
                self.fail("page_numbers.style", _("The page number must be upright."))
            restarts = section._sectPr.find(qn("w:pgNumType"))
            restarted = restarts is not None and restarts.get(qn("w:start")) == "1"
            if number > 1 and section.different_first_page_header_footer and not restarted:
                self.fail(
                    "page_numbers.section",
                    _("Section %(n)s hides the number of its first page.") % {"n": number},
                )

    def appendices(self, paragraphs: list[tuple[DocxParagraph, int]]) -> None:
        sections = self.document.sections
        texts = [(p, s) for p, s in paragraphs if p.text.strip()]
        for index, (paragraph, section) in enumerate(texts):
            text = _norm(paragraph.text)
            if not re.fullmatch(r"Phụ lục( [IVXLC]+| \d+)?", text):
                continue
            if not _all(paragraph, "bold") or not _within(paragraph, 14, 14):
                self.fail("appendix.label", _("“%(text)s” must be bold, size 14.") % {"text": text})
            following = [p for p, _s in texts[index + 1 : index + 3]]
            if len(following) < 2:
                self.fail("appendix.title", _("“%(text)s” has no title.") % {"text": text})
                continue
            title, reference = following
            if _norm(title.text) != _norm(title.text).upper() or not _all(title, "bold"):
                self.fail(
                    "appendix.title",
                    _("The appendix title must be bold capitals: “%(text)s”.")
                    % {"text": _norm(title.text)},
                )
            ref = _norm(reference.text)
            if not (ref.startswith("(Kèm theo") and ref.endswith(")")) or not _all(
                reference, "italic"
            ):
                self.fail(
                    "appendix.reference",
                    _("The appendix needs the italic line “(Kèm theo … số … ngày … của …)”."),
                )
            if section < len(sections):
                start = sections[section]._sectPr.find(qn("w:pgNumType"))
                if start is None or start.get(qn("w:start")) != "1":
                    self.fail(
                        "appendix.numbering",
                        _("“%(text)s” must number its own pages from 1.") % {"text": text},
                    )


def check_docx(source: bytes | str | Path | IO[bytes]) -> list[Finding]:
    """What in the document breaks the Decree 30 layout; empty when nothing does."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    document = Document(str(source) if isinstance(source, Path) else source)
    checker = _Checker(document)
    checker.page()
    checker.fonts()
    letter = checker.header()
    checker.body(letter)
    checker.page_numbers()
    return checker.findings
