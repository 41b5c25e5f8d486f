"""The checker's base: the page (size, margins), the fonts of every run, and the
table and rule measurements the header and the signature share; page numbers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from vigil.core.documents.check.reading import (
    FONT,
    TOLERANCE,
    Finding,
    as_mm,
    borders,
    centred,
    has_drawing,
    norm,
    run_flag,
    run_size,
    style_chain,
    text_runs,
)
from vigil.core.documents.metrics import wrapped_width_pt


class PageChecker:
    """Collects findings; each concept's checks are a subclass (header, signature, body)."""

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
                    % {"n": number, "w": as_mm(width), "h": as_mm(height)},
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
                        % {"n": number, "side": side, "mm": as_mm(value), "low": low, "high": high},
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
            for style in reversed(list(style_chain(paragraph))):
                inherited.update(self._slots(style.element.rPr))
            for run in text_runs(paragraph):
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
        if has_drawing(following):
            return
        if "bottom" not in borders(following):
            self.fail(rule, _("No rule under %(what)s.") % {"what": what})
            return
        fmt = following.paragraph_format
        left, right = int(fmt.left_indent or 0), int(fmt.right_indent or 0)
        if abs(left - right) > Mm(1):
            self.fail(rule, _("The rule under %(what)s is not centred.") % {"what": what})
        length = width - left - right
        measured = Pt(wrapped_width_pt(norm(text), size, width / Pt(1), bold=True))
        ratio = length / measured if measured else 0
        if not low <= ratio <= high:
            self.fail(
                rule,
                _("The rule under %(what)s is %(ratio)s of the text's length, not %(range)s.")
                % {"what": what, "ratio": f"{ratio:.2f}", "range": f"{low:.2f}–{high:.2f}"},
            )

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
            if not centred(field):
                self.fail("page_numbers.style", _("The page number must be centred."))
            runs = list(field.runs)
            sizes = {run_size(r, field) for r in runs if r._r.xpath("./w:t")}
            if not sizes or not all(s is not None and 13 <= s <= 14 for s in sizes):
                self.fail("page_numbers.style", _("The page number must be size 13–14."))
            if any(run_flag(r, field, "italic") for r in runs):
                self.fail("page_numbers.style", _("The page number must be upright."))
            restarts = section._sectPr.find(qn("w:pgNumType"))
            restarted = restarts is not None and restarts.get(qn("w:start")) == "1"
            if number > 1 and section.different_first_page_header_footer and not restarted:
                self.fail(
                    "page_numbers.section",
                    _("Section %(n)s hides the number of its first page.") % {"n": number},
                )
