"""After the header: type and subject, stamps, addressees, body paragraphs,
headings, "Nơi nhận"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from vigil.core.documents.check.reading import (
    AS_ABOVE,
    DOUBLED_DASH,
    MARKS,
    TOLERANCE,
    all_have,
    borders,
    centred,
    has_drawing,
    norm,
    paragraph_sizes,
    run_flag,
    sizes_within,
    text_runs,
)
from vigil.core.documents.check.signature import SignatureChecker
from vigil.core.documents.official import (
    ARTICLE,
    DRAFT_MARK,
    HEADING,
)


class BodyChecker(SignatureChecker):
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
        captions = self._pictures(main)
        texts = [p for p in main if p.text.strip() and p._p not in captions]
        marks = [p for p in texts if norm(p.text).upper() in MARKS]
        for mark in marks:
            if not all_have(mark, "bold") or not {"top", "bottom", "left", "right"} <= borders(
                mark
            ):
                self.fail(
                    "stamp.style",
                    _("The mark “%(text)s” must be bold and boxed.") % {"text": norm(mark.text)},
                )
            if not sizes_within(mark, 13, 14):
                self.fail(
                    "stamp.style",
                    _("The mark “%(text)s” must be size 13–14.") % {"text": norm(mark.text)},
                )
        rest = [p for p in texts if p not in marks]
        draft = any(norm(m.text).upper() == DRAFT_MARK for m in marks)
        if self.empty_number and not draft:
            self.fail(
                "header.number_empty",
                _("The number is empty on a document not marked “%(mark)s”.")
                % {"mark": DRAFT_MARK},
            )
        kind = norm(rest[0].text).upper() if rest and not letter else ""
        if not letter:
            rest = self._title(rest)
        if kind == "QUYẾT ĐỊNH":
            rest = self._decision(rest)
        if letter and not (rest and rest[0].text.strip().startswith("Kính gửi")):
            self.fail(
                "addressees.missing", _("A công văn must say whom it is sent to (“Kính gửi:”).")
            )
        if kind == "CÔNG ĐIỆN" and rest and norm(rest[0].text).endswith(" điện:"):
            rest = self._telegram(rest)
        self.has_addressees = bool(rest and rest[0].text.strip().startswith("Kính gửi"))
        rest = self._addressees(rest)
        for paragraph in rest:
            self._body_paragraph(paragraph)
            self._heading(paragraph)
        if signature_at is not None and not self.telegram:
            self._as_above(DocxTable(items[signature_at][0], body))
        self.appendices(paragraphs)

    def _pictures(self, main: list[DocxParagraph]) -> set[Any]:
        """A picture: centred on its own line, no wider than the text; the centred
        line under it is its caption (size 13–14). Returns the captions' elements."""
        captions: set[Any] = set()
        section = self.document.sections[0]
        available = int(section.page_width - section.left_margin - section.right_margin)
        for index, paragraph in enumerate(main):
            if not has_drawing(paragraph) or not paragraph._p.xpath(".//pic:pic"):
                continue
            if paragraph.text.strip() or not centred(paragraph):
                self.fail("picture.align", _("A picture must be centred on a line of its own."))
            widths = [int(w) for w in paragraph._p.xpath(".//wp:extent/@cx")]
            if any(w > available + TOLERANCE for w in widths):
                self.fail("picture.width", _("A picture is wider than the text."))
            following = main[index + 1] if index + 1 < len(main) else None
            if following is None or not following.text.strip() or not centred(following):
                continue
            captions.add(following._p)
            if not sizes_within(following, 13, 14):
                self.fail(
                    "picture.caption",
                    _("A picture's caption must be size 13–14: “%(text)s”.")
                    % {"text": norm(following.text)[:40]},
                )
        return captions

    def _decision(self, rest: list[DocxParagraph]) -> list[DocxParagraph]:
        """Mẫu 1.2/1.3: authority line, "Căn cứ …", "QUYẾT ĐỊNH:", then articles."""
        texts = [norm(p.text) for p in rest]
        verb = next((i for i, t in enumerate(texts) if t == "QUYẾT ĐỊNH:"), None)
        if verb is None:
            self.fail(
                "decision.verb", _("A quyết định needs the line “QUYẾT ĐỊNH:” before its articles.")
            )
            return rest
        if not all_have(rest[verb], "bold") or not centred(rest[verb]):
            self.fail("decision.verb", _("“QUYẾT ĐỊNH:” must be bold and centred."))
        preamble = rest[:verb]
        if not preamble or norm(preamble[0].text) != norm(preamble[0].text).upper():
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
            text = norm(item.text)
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
        text = norm(paragraph.text)
        runs = [r for r in text_runs(paragraph) if r.text.strip()]
        if HEADING.match(text) and not all_have(paragraph, "bold"):
            self.fail(
                "body.heading", _("The heading “%(text)s” must be bold.") % {"text": text[:40]}
            )
        article = ARTICLE.match(text)
        if article and runs and not run_flag(runs[0], paragraph, "bold"):
            self.fail(
                "body.heading",
                _("The article label “%(text)s” must be bold.") % {"text": article[1]},
            )

    def _as_above(self, table: DocxTable) -> None:
        left = [p for p in table.columns[0].cells[0].paragraphs if p.text.strip()]
        for item in left[1:]:
            text = norm(item.text)
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
        text = norm(kind.text)
        if text != text.upper() or not all_have(kind, "bold") or not centred(kind):
            self.fail(
                "title.type",
                _("The document type must be bold centred capitals: “%(text)s”.") % {"text": text},
            )
        if not sizes_within(kind, 13, 14):
            self.fail("title.type", _("The document type must be size 13–14."))
        if (
            not all_have(subject, "bold")
            or not centred(subject)
            or not sizes_within(subject, 13, 14)
        ):
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
        if not sizes_within(head, 13, 14):
            self.fail("addressees.style", _("“Kính gửi:” must be size 13–14."))
        if norm(head.text).rstrip(":") != "Kính gửi":
            return rest[1:]
        items = []
        for paragraph in rest[1:]:
            if not paragraph.text.strip().startswith("-"):
                break
            items.append(norm(paragraph.text))
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
        text = norm(paragraph.text)
        if centred(paragraph) and all_have(paragraph, "bold"):
            return  # a table's or a part's title
        if text.startswith("Phụ lục"):
            return
        if not sizes_within(paragraph, 13, 14):
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
            sizes = [s for s in paragraph_sizes(paragraph) if s]
            ok = bool(sizes) and max(sizes) * 1.0 <= spacing.pt <= max(sizes) * 1.5 * 1.2
        else:
            ok = spacing is None or 1.0 <= spacing <= 1.5
        if not ok:
            self.fail(
                "body.line_spacing",
                _("Line spacing must be single to 1.5 lines: “%(text)s”.") % {"text": text[:40]},
            )
