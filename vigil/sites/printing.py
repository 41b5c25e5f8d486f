"""A plan version as a Decree 30 document of type PA (*phương án*).

The sections of the version are its parts ("I. TÌNH HÌNH VÀ TÌNH HUỐNG", ...),
each a heading followed by its text. An approved (or superseded) version
prints the number of the decision that approved it when that number has the
register's form ("12/QĐ-BCĐ"); any other version is a draft ("DỰ THẢO") with
the symbol ``PA-<committee>``.

The letterhead (the host body, the place, the default signer) comes from
``vigil.org.letterhead``, as for every document Vigil prints.
"""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext as _

from vigil.core import clock
from vigil.core.classification import STAMPS, Classification
from vigil.core.dates import shown
from vigil.core.documents.decree30 import (
    Block,
    Heading,
    OfficialDocument,
    Paragraph,
    build_docx,
)
from vigil.core.numbering import DocType
from vigil.org.letterhead import default_signature, parent_body, place_of
from vigil.org.scope import Viewer
from vigil.sites.models import SECTIONS, KeySite, PlanVersion, VersionStatus

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
REGISTER_NUMBER = re.compile(r"\d+/[0-9A-Za-zĐđ]+(?:-[0-9A-Za-zĐđ.]+)*")
TYPE_NAME = "Phương án"


def body_of(version: PlanVersion, viewer: Viewer) -> list[Block]:
    """The sites covered (those the reader sees), the approval, then each section as a
    heading and its lines."""
    plan = version.plan
    blocks: list[Block] = []
    covered = KeySite.objects.visible_to(viewer).filter(plans=plan).order_by("name", "pk")
    sites = ", ".join(site.name for site in covered)
    if sites:
        blocks.append(Paragraph(_("Sites covered: %(sites)s.") % {"sites": sites}))
    if plan.scenario_types:
        blocks.append(
            Paragraph(_("Scenarios: %(list)s.") % {"list": ", ".join(plan.scenario_labels())})
        )
    if version.status in (VersionStatus.APPROVED, VersionStatus.SUPERSEDED) and version.approved_on:
        blocks.append(
            Paragraph(
                _("Approved by decision %(number)s of %(day)s.")
                % {"number": version.decision_number, "day": shown(version.approved_on)},
                italic=True,
            )
        )
    for n, (name, label) in enumerate(SECTIONS):
        blocks.append(Heading(f"{ROMAN[n]}. {str(label).upper()}"))
        lines = [line.strip() for line in getattr(version, name).splitlines() if line.strip()]
        blocks.extend(Paragraph(line) for line in lines)
        if not lines:
            blocks.append(Paragraph(_("Nothing written in this section.")))
    return blocks


def official_document(version: PlanVersion, viewer: Viewer) -> OfficialDocument:
    plan = version.plan
    committee = plan.owning_committee
    approved = version.status in (VersionStatus.APPROVED, VersionStatus.SUPERSEDED)
    number = version.decision_number.strip() if approved else ""
    if not REGISTER_NUMBER.fullmatch(number):
        number = ""  # a paper number of another form is printed in the body only
    subject = plan.title or plan.code_name
    return OfficialDocument(
        issuing_body=committee.name.upper(),
        parent_body=parent_body(committee),
        doc_type=TYPE_NAME,
        subject=_("%(title)s (version %(n)s)") % {"title": subject, "n": version.number},
        date=version.approved_on or clock.today(),
        place=place_of(committee),
        number=number,
        symbol=f"{DocType.PHUONG_AN.value}-{committee.short_name or 'BCĐ'}",
        signature=default_signature(committee),
        body=tuple(body_of(version, viewer)),
        recipients=("Lưu: VT",),
        classification_stamp=(
            STAMPS[Classification(plan.classification)] if plan.classification else ""
        ),
    )


def docx_bytes(version: PlanVersion, viewer: Viewer) -> bytes:
    """The version as a .docx laid out as Decree 30 prescribes, in Vietnamese whatever
    the reader's language (an official document is written in Vietnamese); it names
    only the sites ``viewer`` sees."""
    with translation.override("vi"):
        return build_docx(official_document(version, viewer))


def filename(version: PlanVersion) -> str:
    code = re.sub(r"[^0-9A-Za-z]+", "-", version.plan.code_name).strip("-") or "phuong-an"
    return f"PA-{code}-v{version.number}.docx"
