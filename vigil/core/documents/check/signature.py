"""The signature block and the appendices."""

from __future__ import annotations

import itertools
import re

from django.utils.translation import gettext as _
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from vigil.core.documents.check.header import HeaderChecker
from vigil.core.documents.check.reading import (
    DOUBLED_DASH,
    FORMS,
    all_have,
    norm,
    sizes_within,
)


class SignatureChecker(HeaderChecker):
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
        if norm(head.text) != "Nơi nhận:" or not (
            all_have(head, "bold") and all_have(head, "italic")
        ):
            self.fail("signature.recipients", _("“Nơi nhận:” must be bold italic on its own line."))
        if not sizes_within(head, 12, 12):
            self.fail("signature.recipients", _("“Nơi nhận:” must be size 12."))
        items = [p for p in left[1:] if p.text.strip().startswith("-")]
        for number, item in enumerate(items, 1):
            end = "." if number == len(items) else ";"
            text = norm(item.text)
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
            if not sizes_within(item, 11, 11):
                self.fail(
                    "signature.recipients",
                    _("The recipient list must be size 11: “%(text)s”.") % {"text": text},
                )
        lines = [p for p in right if p.text.strip()]
        if len(lines) < 2:
            self.fail("signature.block", _("The signature block needs an authority and a name."))
            return
        authority, name = lines[0], lines[-1]
        text = norm(authority.text)
        if (
            text != text.upper()
            or not all_have(authority, "bold")
            or not sizes_within(authority, 13, 14)
        ):
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
        if norm(name.text) == norm(name.text).upper() or not all_have(name, "bold"):
            self.fail("signature.name", _("The signer's name must be bold, in normal case."))
        if not sizes_within(name, 13, 14):
            self.fail("signature.name", _("The signer's name must be size 13–14."))
        for line in lines[1:-1]:
            if not all_have(line, "bold") or norm(line.text) != norm(line.text).upper():
                self.fail(
                    "signature.title",
                    _("The signer's titles must be bold capitals: “%(text)s”.")
                    % {"text": norm(line.text)},
                )
        # Space for the signature and seal: empty lines between two lines of the block.
        filled = [i for i, p in enumerate(right) if p.text.strip()]
        gaps = [b - a - 1 for a, b in itertools.pairwise(filled)]
        if max(gaps, default=0) < 2:
            self.fail("signature.space", _("The signature block leaves no space to sign."))

    def appendices(self, paragraphs: list[tuple[DocxParagraph, int]]) -> None:
        sections = self.document.sections
        texts = [(p, s) for p, s in paragraphs if p.text.strip()]
        for index, (paragraph, section) in enumerate(texts):
            text = norm(paragraph.text)
            if not re.fullmatch(r"Phụ lục( [IVXLC]+| \d+)?", text):
                continue
            if not all_have(paragraph, "bold") or not sizes_within(paragraph, 14, 14):
                self.fail("appendix.label", _("“%(text)s” must be bold, size 14.") % {"text": text})
            following = [p for p, _s in texts[index + 1 : index + 3]]
            if len(following) < 2:
                self.fail("appendix.title", _("“%(text)s” has no title.") % {"text": text})
                continue
            title, reference = following
            if norm(title.text) != norm(title.text).upper() or not all_have(title, "bold"):
                self.fail(
                    "appendix.title",
                    _("The appendix title must be bold capitals: “%(text)s”.")
                    % {"text": norm(title.text)},
                )
            ref = norm(reference.text)
            if not (ref.startswith("(Kèm theo") and ref.endswith(")")) or not all_have(
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
