"""The header table: issuer and its rule, motto and slogan, number and date lines."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from vigil.core.documents.check.page import PageChecker
from vigil.core.documents.check.reading import (
    DATE_LINE,
    MOTTOS,
    NUMBER_LINE,
    SLOGAN,
    all_have,
    none_have,
    norm,
    paragraph_sizes,
    sizes_within,
)


class HeaderChecker(PageChecker):
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
        text = norm(issuer.text)
        if text != text.upper() or not all_have(issuer, "bold") or not sizes_within(issuer, 12, 13):
            self.fail(
                "header.issuer",
                _("The issuing body must be bold capitals, size 12–13: “%(text)s”.")
                % {"text": text},
            )
        for index in names[:-1]:
            parent = left[index]
            if norm(parent.text) != norm(parent.text).upper() or not none_have(parent, "bold"):
                self.fail(
                    "header.parent",
                    _("The parent body must be regular capitals: “%(text)s”.")
                    % {"text": norm(parent.text)},
                )
            if not sizes_within(parent, 12, 13):
                self.fail("header.parent", _("The parent body must be size 12–13."))
        self._rule_after(
            left, names[-1], text, 13, width, 0.30, 0.55, "header.issuer_rule",
            _("the issuing body"),
        )  # fmt: skip
        number = left[number_at]
        line = norm(number.text)
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
        if not sizes_within(number, 13, 13) or not none_have(number, "bold"):
            self.fail("header.number", _("The number line must be regular, size 13."))
        for paragraph in left[number_at + 1 :]:
            text = paragraph.text.strip()
            if text.startswith("V/v") and (
                not sizes_within(paragraph, 12, 13) or all_have(paragraph, "bold")
            ):
                self.fail("header.subject", _("The “V/v” line must be regular, size 12–13."))

    def _motto(self, right: list[DocxParagraph], width: int) -> None:
        texts = [norm(p.text) for p in right]
        motto_at = next((i for i, t in enumerate(texts) if t in MOTTOS), None)
        if motto_at is None:
            self.fail("header.motto", _("The header has no Quốc hiệu."))
        else:
            motto = right[motto_at]
            if not all_have(motto, "bold") or not sizes_within(motto, 12, 13):
                self.fail("header.motto", _("The Quốc hiệu must be bold, size 12–13."))
        slogan_at = next((i for i, t in enumerate(texts) if t == SLOGAN), None)
        if slogan_at is None:
            self.fail(
                "header.slogan", _("The header has no Tiêu ngữ “%(text)s”.") % {"text": SLOGAN}
            )
        else:
            slogan = right[slogan_at]
            if not all_have(slogan, "bold") or not sizes_within(slogan, 13, 14):
                self.fail("header.slogan", _("The Tiêu ngữ must be bold, size 13–14."))
            if motto_at is not None and slogan_at < motto_at:
                self.fail("header.slogan", _("The Tiêu ngữ must be under the Quốc hiệu."))
            size = max((s for s in paragraph_sizes(slogan) if s), default=14.0)
            self._rule_after(
                right, slogan_at, SLOGAN, size, width, 0.85, 1.15, "header.slogan_rule",
                _("the Tiêu ngữ"),
            )  # fmt: skip
        dates = [p for p in right if DATE_LINE.fullmatch(norm(p.text))]
        if not dates:
            self.fail(
                "header.date",
                _("The header has no place and date line “…, ngày 05 tháng 01 năm 2020”."),
            )
            return
        date = dates[0]
        found = DATE_LINE.fullmatch(norm(date.text))
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
                % {"text": norm(date.text)},
            )
        try:
            dt.date(int(found["year"]), int(month), int(day))
        except ValueError:
            self.fail("header.date", _("The date line names no real date."))
        if not all_have(date, "italic") or not sizes_within(date, 13, 14):
            self.fail("header.date", _("The place and date line must be italic, size 13–14."))
