"""Consolidation of a period: each indicator's declared aggregation across the
accepted submissions, the per-unit table, and the narrative compiled by unit.

Computed from the rows, never stored — except where a child committee reported
upward: its submission carries the figures and the snapshot of its own
consolidation as they were when filled in, so what the parent consolidates does
not move when something changes below.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from vigil.core import audit
from vigil.core.documents.decree30 import (
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
    build_docx,
)
from vigil.core.xlsx import Sheet, workbook_bytes
from vigil.org.letterhead import default_signature, parent_body, place_of
from vigil.work.documents.docx import official_document
from vigil.work.obligations.models import (
    Aggregation,
    Indicator,
    IndicatorKind,
    NarrativeSection,
    ReportPeriod,
    ReportSubmission,
    SubmissionState,
)

CENT = Decimal("0.01")


@dataclass
class UnitRow:
    submission: ReportSubmission
    name: str
    state: str
    state_label: str
    accepted: bool
    values: dict[str, Any]
    rollup: dict[str, Any] | None


@dataclass
class Total:
    indicator: Indicator
    value: Any  # int, Decimal, str, or None when nothing was reported
    count: int  # accepted submissions that answered it


@dataclass
class Consolidation:
    period: ReportPeriod
    indicators: list[Indicator]
    sections: list[NarrativeSection]
    totals: list[Total]
    units: list[UnitRow]
    narrative: list[tuple[NarrativeSection, list[tuple[str, str]]]] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(1 for u in self.units if u.accepted)


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def aggregate(indicator: Indicator, answers: list[tuple[str, Any]]) -> Any:
    """One indicator over ``(unit, value)`` pairs of accepted submissions."""
    how = indicator.aggregation
    present = [(unit, v) for unit, v in answers if v is not None and v != ""]
    if how == Aggregation.NONE or not present:
        return None
    if how == Aggregation.COUNT_YES:
        return sum(1 for _u, v in present if v is True)
    if how == Aggregation.CONCATENATE:
        return "\n".join(f"{unit}: {v}" for unit, v in present)
    numbers = [_decimal(v) for _u, v in present]
    if how == Aggregation.SUM:
        total = sum(numbers, Decimal(0))
    elif how == Aggregation.MIN:
        total = min(numbers)
    elif how == Aggregation.MAX:
        total = max(numbers)
    else:  # average: two decimals, half up, as officials round by hand
        return (sum(numbers, Decimal(0)) / len(numbers)).quantize(CENT, ROUND_HALF_UP)
    if indicator.kind == IndicatorKind.INTEGER:
        return int(total)
    return total


def consolidate(period: ReportPeriod) -> Consolidation:
    """The period's consolidation, in three queries whatever the number of units."""
    template = period.template
    indicators = list(template.indicators.all())
    sections = list(template.sections.all())
    # Agencies first, then committees, each by name (the same on every database).
    submissions = sorted(
        ReportSubmission.objects.filter(period=period).select_related("agency", "committee"),
        key=lambda s: (s.committee_id is not None, s.unit_name, s.pk),
    )
    units = [
        UnitRow(
            submission=s,
            name=s.unit_name,
            state=s.state,
            state_label=s.get_state_display(),
            accepted=s.state == SubmissionState.ACCEPTED,
            values=s.values,
            rollup=s.rollup,
        )
        for s in submissions
    ]
    accepted = [u for u in units if u.accepted]
    totals = [
        Total(
            indicator=ind,
            value=aggregate(ind, [(u.name, u.values.get(ind.code)) for u in accepted]),
            count=sum(1 for u in accepted if u.values.get(ind.code) not in (None, "")),
        )
        for ind in indicators
    ]
    narrative = [
        (sec, [(u.name, u.submission.narrative[sec.code]) for u in accepted
               if u.submission.narrative.get(sec.code)])
        for sec in sections
    ]  # fmt: skip
    return Consolidation(
        period=period, indicators=indicators, sections=sections, totals=totals, units=units,
        narrative=narrative,
    )  # fmt: skip


def shown(value: Any) -> str:
    """A figure as officials write it: 1.234,5; yes/no in words; blanks as a dash."""
    if value is None or value == "":
        return "—"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, int | Decimal) or (isinstance(value, str) and _is_number(value)):
        number = _decimal(value)
        whole, _sep, frac = f"{number:f}".partition(".")
        sign = "-" if whole.startswith("-") else ""
        digits = whole.lstrip("-")
        grouped = f"{int(digits):,}".replace(",", ".")
        return f"{sign}{grouped},{frac}" if frac else f"{sign}{grouped}"
    return str(value)


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return text.strip() != "" and not text.strip().lower().startswith(("nan", "inf", "-inf"))


def as_snapshot(c: Consolidation, *, at: dt.datetime) -> dict[str, Any]:
    """The consolidation as JSON: what a child committee's report upward keeps."""
    return {
        "period": c.period.pk,
        "obligation": c.period.obligation_id,
        "label": c.period.label,
        "computed_at": audit.jsonable(at),
        "accepted": c.accepted,
        "indicators": [[i.code, i.label, i.unit, i.aggregation] for i in c.indicators],
        "totals": {t.indicator.code: audit.jsonable(t.value) for t in c.totals},
        "units": [
            {"name": u.name, "state": u.state, "values": u.values} for u in c.units if u.accepted
        ],
        "narrative": {sec.code: [[unit, text] for unit, text in rows] for sec, rows in c.narrative},
    }


def as_json(c: Consolidation) -> dict[str, Any]:
    """The API's view of a consolidation."""
    return {
        "period": c.period.pk,
        "obligation": c.period.obligation_id,
        "label": c.period.label,
        "starts_on": c.period.starts_on.isoformat(),
        "ends_on": c.period.ends_on.isoformat(),
        "due_on": c.period.due_on.isoformat(),
        "template_version": c.period.template.number,
        "accepted": c.accepted,
        "units_total": len(c.units),
        "totals": [
            {
                "code": t.indicator.code,
                "label": t.indicator.label,
                "unit": t.indicator.unit,
                "aggregation": t.indicator.aggregation,
                "value": audit.jsonable(t.value),
                "count": t.count,
            }
            for t in c.totals
        ],
        "units": [
            {
                "submission": u.submission.pk,
                "name": u.name,
                "state": u.state,
                "values": u.values if u.accepted else {},
                "rollup": u.rollup if u.accepted else None,
            }
            for u in c.units
        ],
        "narrative": [
            {
                "code": sec.code,
                "title": sec.title,
                "entries": [{"unit": unit, "text": text} for unit, text in rows],
            }
            for sec, rows in c.narrative
        ],
    }


# --- files


def _filename(c: Consolidation, ext: str) -> str:
    return f"tong-hop-{c.period.obligation_id}-{c.period.starts_on:%Y-%m}.{ext}"


def xlsx_sheets(c: Consolidation) -> list[Sheet]:
    indicator_headers = [f"{i.label} ({i.unit})" if i.unit else i.label for i in c.indicators]
    total_sheet = Sheet(
        title=_("Consolidation"),
        headers=[_("Indicator"), _("Unit"), _("Aggregation"), _("Value"), _("Reports")],
        rows=[
            [
                t.indicator.label,
                t.indicator.unit,
                t.indicator.get_aggregation_display(),
                _cell(t.value),
                t.count,
            ]
            for t in c.totals
        ],
    )
    unit_sheet = Sheet(
        title=_("By unit"),
        headers=[_("Reporting unit"), _("State"), *indicator_headers],
        rows=[
            [
                u.name,
                u.state_label,
                *[_cell(u.values.get(i.code)) if u.accepted else None for i in c.indicators],
            ]
            for u in c.units
        ],
    )
    narrative_sheet = Sheet(
        title=_("Narrative"),
        headers=[_("Section"), _("Reporting unit"), _("Text")],
        rows=[[sec.title, unit, text] for sec, rows in c.narrative for unit, text in rows],
        widths=(30, 30, 80),
    )
    sheets = [total_sheet, unit_sheet, narrative_sheet]
    below = [u for u in c.units if u.accepted and u.rollup]
    if below:
        sheets.append(
            Sheet(
                title=_("Reported from below"),
                headers=[_("Committee"), _("Its unit"), _("Indicator"), _("Value")],
                rows=[
                    [u.name, row["name"], code, _cell(value)]
                    for u in below
                    for row in (u.rollup or {}).get("units", [])
                    for code, value in row["values"].items()
                ],
            )
        )
    return sheets


def xlsx_bytes(c: Consolidation) -> bytes:
    """The workbook, marked with the obligation's classification like the .docx."""
    return workbook_bytes(xlsx_sheets(c), classification=c.period.classification)


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and _is_number(value) and not value.strip().startswith(("+", "-")):
        return float(Decimal(value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


UNITS_PER_TABLE = 6


def docx_bytes(c: Consolidation, *, date: dt.date) -> bytes:
    """The consolidation as a Decree 30 report (báo cáo)."""
    obligation = c.period.obligation
    committee = obligation.owning_committee
    body: list[Heading | Paragraph | Table] = [
        Paragraph(
            _("Reports received: %(accepted)d accepted of %(total)d units.")
            % {"accepted": c.accepted, "total": len(c.units)}
        ),
        Heading(_("I. CONSOLIDATED FIGURES")),
        Table(
            header=[_("No."), _("Indicator"), _("Unit"), _("Value")],
            rows=[
                [str(n), t.indicator.label, t.indicator.unit, shown(t.value)]
                for n, t in enumerate(c.totals, start=1)
                if t.indicator.kind != IndicatorKind.TEXT
            ],
        ),
        Heading(_("II. FIGURES BY UNIT")),
    ]
    accepted = [u for u in c.units if u.accepted]
    numeric = [i for i in c.indicators if i.kind != IndicatorKind.TEXT]
    for start in range(0, len(accepted), UNITS_PER_TABLE):
        chunk = accepted[start : start + UNITS_PER_TABLE]
        body.append(
            Table(
                header=[_("Indicator"), *[u.name for u in chunk]],
                rows=[[i.label, *[shown(u.values.get(i.code)) for u in chunk]] for i in numeric],
            )
        )
    if not accepted:
        body.append(Paragraph(_("No report has been accepted yet.")))
    body.append(Heading(_("III. SITUATION AND RESULTS BY UNIT")))
    texts = [i for i in c.indicators if i.kind == IndicatorKind.TEXT]
    for n, (sec, rows) in enumerate(c.narrative, start=1):
        body.append(Heading(f"{n}. {sec.title}", level=2))
        body.extend(Paragraph(f"{unit}: {text}") for unit, text in rows)
        if not rows:
            body.append(Paragraph(_("Nothing reported.")))
    for t in [t for t in c.totals if t.indicator in texts and t.value]:
        body.append(Heading(t.indicator.label, level=2))
        body.extend(Paragraph(line) for line in str(t.value).splitlines())
    issued = c.period.report_document
    if issued is not None:
        # Issued: the register's number, the date and the signature of the issued report.
        return build_docx(dataclasses.replace(official_document(issued), body=tuple(body)))
    doc = OfficialDocument(
        issuing_body=committee.name.upper(),
        parent_body=parent_body(committee),
        doc_type="Báo cáo",
        subject=subject(c.period),
        date=date,
        place=place_of(committee),
        symbol=f"BC-{committee.short_name}",  # a draft: "DỰ THẢO", no number yet
        signature=default_signature(committee),
        body=body,
        recipients=["Lưu: VT, VPTT"],
        classification_stamp=_stamp(obligation.classification),
    )
    return build_docx(doc)


def subject(period: Any) -> str:
    """ "Kết quả công tác phòng, chống khủng bố tháng 12/2026": the title said plainly."""
    title = re.sub(r"\s*\(lần \d+\)\s*$", "", period.obligation.title.strip())
    title = re.sub(r"^Báo cáo\s+(?:(?:tháng|quý|năm|6 tháng|định kỳ)\s+)?", "", title, flags=re.I)
    label = period.label
    label = label[:1].lower() + label[1:]
    return f"Kết quả {title[:1].lower()}{title[1:]} {label}".strip()


def _stamp(level: int) -> str:
    from vigil.core.classification import STAMPS, Classification

    return STAMPS[Classification(level)] if level else ""


def filename(c: Consolidation, ext: str) -> str:
    return _filename(c, ext)
