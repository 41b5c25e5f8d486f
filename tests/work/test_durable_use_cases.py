"""A use case opens its own durable transaction: called inside another one it
fails loudly instead of joining it; the helpers meant to nest (``…_within``)
join the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest
from django.db import transaction

from tests.work.helpers import SEED, agency, days_from_today, head, holder, province
from vigil.core.numbering import DocType
from vigil.org.models import Post
from vigil.work import feeds
from vigil.work.documents import services as documents
from vigil.work.models import IssuedDocument, SigningForm, Task
from vigil.work.obligations import services as obligations
from vigil.work.obligations import submissions
from vigil.work.obligations.models import ReportObligation, ReportPeriod
from vigil.work.records import services as records
from vigil.work.services import PointSpec
from vigil.work.tasks import services as tasks

pytestmark = pytest.mark.django_db

USE_CASES: list[tuple[ModuleType, list[str]]] = [
    (tasks, ["assign_task", "acknowledge_task", "report_progress", "report_done",
             "accept_task", "return_task", "cancel_task", "update_task"]),
    (documents, ["issue_document", "register_incoming", "assign_incoming",
                 "tasks_from_incoming"]),
    (records, ["create_work_plan", "tasks_from_plan_item", "record_meeting",
               "tasks_from_conclusion"]),
    (obligations, ["create_obligation", "revise_template", "end_obligation"]),
    (submissions, ["save_draft", "submit", "return_submission", "accept_submission",
                   "fill_from_consolidation", "issue_consolidation"]),
    (feeds, ["create_feed", "revoke_feed"]),
]  # fmt: skip


@pytest.mark.parametrize(
    "use_case",
    [
        pytest.param(getattr(module, name), id=f"{module.__name__.split('.', 2)[2]}.{name}")
        for module, names in USE_CASES
        for name in names
    ],
)
def test_a_use_case_refuses_to_run_inside_another_transaction(
    use_case: Callable[..., object],
) -> None:
    # The durable block refuses on entry, before the use case reads its arguments.
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        use_case()


def issue(issue_document: Callable[..., IssuedDocument], subject: str) -> IssuedDocument:
    p = province()
    return issue_document(
        p, doc_type=DocType.CHI_THI, subject=subject, issue_date=days_from_today(-1),
        signing_post=head(p), signer=holder(p, Post.Kind.STANDING_DEPUTY),
        signing_form=SigningForm.KT,
        points=[PointSpec(text="Rà soát.", lead=[agency("dit")], deadline=days_from_today(9))],
        actor=SEED,
    )  # fmt: skip


def test_issuing_inside_a_transaction_fails_and_writes_nothing() -> None:
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        issue(documents.issue_document, "Durable")
    assert not IssuedDocument.objects.filter(subject="Durable").exists()


def test_its_helper_joins_the_callers_transaction_and_falls_with_it() -> None:
    with transaction.atomic():
        document = issue(documents.issue_document_within, "Nested")
        assert Task.objects.filter(document=document).count() == 1
    assert IssuedDocument.objects.filter(pk=document.pk).exists()
    with pytest.raises(RuntimeError, match="later step"), transaction.atomic():
        issue(documents.issue_document_within, "Rolled back")
        raise RuntimeError("a later step failed")
    assert not IssuedDocument.objects.filter(subject="Rolled back").exists()


def test_opening_a_period_is_a_use_case() -> None:
    period = ReportPeriod.objects.select_related("obligation").latest("starts_on")
    obligation: ReportObligation = period.obligation
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        obligations.open_period(obligation, day=period.starts_on, actor=SEED)
    # Alone it runs (the period is open already: nothing new).
    assert obligations.open_period(obligation, day=period.starts_on, actor=SEED).created == 0
