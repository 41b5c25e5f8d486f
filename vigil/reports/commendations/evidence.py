"""What Vigil shows of a recipient's year: the evidence a commendation proposal cites.

For a collective (an agency, or a committee with the agencies that belong to it) and
a year, each item is ``{"kind", "label", "url", "figure", "classification"}``,
computed as the proposer sees it, through the functions the other apps expose:

- ``tasks``: tasks done on time, from the work scorecard
  (``vigil.work.scorecard.scorecard``; the scorecard counts every year so far);
- ``exercises``: the year's exercises the recipient organised or took part in, and the
  ratings of their objectives (``vigil.exercises.figures.participation``);
- ``alerts``: alerts acknowledged by their deadline
  (``vigil.situation.alerts.timeliness``);
- ``reports``: periodic reports sent by the due day
  (``vigil.work.obligations.timeliness``).

Each item carries the highest classification among the objects its figure counts
(``classification``, as each source returns it): a proposal citing it is classified
at least that high (``services.propose``).

An item appears only when there is something to show (a figure above zero). The
proposer picks from them (at least one); the service computes them again and stores
the picked ones as they were then, so a proposal cannot cite what Vigil does not show.
An individual's evidence is their unit's (an agency), with the achievement in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse

from vigil.core import audit
from vigil.exercises.figures.participation import participation
from vigil.org.models import Agency, Committee
from vigil.org.scope import Viewer
from vigil.situation.alerts.timeliness import acknowledgements
from vigil.work.obligations.timeliness import punctuality
from vigil.work.scorecard import scorecard

KINDS = ("tasks", "exercises", "alerts", "reports")


class EvidenceItem(TypedDict):
    kind: str
    label: str
    url: str
    figure: str
    classification: int


def _percent(part: int, whole: int) -> str:
    return f"{part}/{whole} ({round(100 * part / whole)}%)"


def _url(name: str, **query: object) -> str:
    return reverse(name) + ("?" + urlencode(query) if query else "")


def evidence_for(
    viewer: Viewer,
    year: int,
    *,
    agency: Agency | None = None,
    committee: Committee | None = None,
) -> list[EvidenceItem]:
    """The evidence items of an agency's, or a committee's, ``year``."""
    if agency is not None:
        agencies = [agency.pk]
        committees: list[int] = []
    elif committee is not None:
        agencies = list(Agency.objects.filter(committee=committee).values_list("pk", flat=True))
        committees = [committee.pk]
    else:
        return []
    items: list[EvidenceItem] = []
    rows = [r for r in scorecard(viewer) if r.agency.pk in agencies]
    done, on_time = sum(r.done for r in rows), sum(r.on_time for r in rows)
    if done:
        items.append({
            "kind": "tasks", "label": "Nhiệm vụ được giao hoàn thành đúng hạn",
            "url": _url("work:scorecard"),
            "figure": _percent(on_time, done),
            "classification": max((r.classification for r in rows), default=0),
        })  # fmt: skip
    took = participation(viewer, year, agencies=agencies, committees=committees)
    if took.exercises:
        rated = (f"; {took.performed}/{took.rated} mục tiêu đạt mức P hoặc S"
                 if took.rated else "")  # fmt: skip
        items.append({
            "kind": "exercises", "label": f"Tham gia diễn tập năm {year}",
            "url": _url("exercises:exercise_list", year=year),
            "figure": f"{took.exercises} cuộc{rated}",
            "classification": took.classification,
        })  # fmt: skip
    acks = acknowledgements(viewer, year, agencies=agencies, committees=committees)
    if acks.received:
        items.append({
            "kind": "alerts", "label": f"Xác nhận cảnh báo đúng thời hạn năm {year}",
            "url": _url("situation:alert_list"),
            "figure": _percent(acks.in_time, acks.received),
            "classification": acks.classification,
        })  # fmt: skip
    reports = punctuality(viewer, year, agencies=agencies, committees=committees)
    if reports.expected:
        items.append({
            "kind": "reports", "label": f"Báo cáo định kỳ gửi đúng hạn năm {year}",
            "url": _url("work:reports_due"),
            "figure": _percent(reports.on_time, reports.expected),
            "classification": reports.classification,
        })  # fmt: skip
    return items


def picked(items: Sequence[EvidenceItem], kinds: Sequence[str]) -> list[EvidenceItem]:
    """The items of ``kinds``, in the order they were computed."""
    wanted = set(kinds)
    return [dict(i) for i in items if i["kind"] in wanted]  # type: ignore[misc]


def level_of(items: Sequence[EvidenceItem]) -> int:
    """The highest classification among ``items`` (0 for items stored without one)."""
    return max((int(i.get("classification", 0) or 0) for i in items), default=0)


def record_view(viewer: audit.Actor, items: Sequence[EvidenceItem], recipient: Agency | Committee,
                *, path: str) -> None:  # fmt: skip
    """One view event for evidence counted from classified objects (page, API alike):
    reading the figures is audited like reading those. Unclassified evidence records
    nothing."""
    level = level_of(items)
    if not level:
        return
    committee_id = recipient.pk if isinstance(recipient, Committee) else recipient.committee_id
    with transaction.atomic():
        audit.record(
            audit.CoreAction.OBJECT_VIEWED, actor=viewer, obj=recipient,
            classification=level, committee_id=committee_id,
            after={"path": path, "evidence": [i["kind"] for i in items]},
        )  # fmt: skip
