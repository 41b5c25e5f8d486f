"""Document numbers: gap-free, never given twice, paper numbers checked (Decree 30, App. III)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test import Client
from django.utils import translation

from vigil.accounts.models import User
from vigil.core import numbering as core_numbering
from vigil.core.audit import SystemActor
from vigil.core.models import AuditEvent, IssuedNumber, NumberRegister
from vigil.core.numbering import DocType, symbol
from vigil.org.models import Committee
from vigil.org.registers import services as numbering

SYSTEM = SystemActor("test")
# The demo issues documents this year (the work app's directives): tests that need
# empty registers number in a year nobody has used.
YEAR = 2031


def province() -> Committee:
    return Committee.objects.get(name__endswith="tỉnh Quảng Ninh")


def test_symbols_follow_decree_30() -> None:
    assert symbol(5, DocType.BAO_CAO, "BCĐ") == "05/BC-BCĐ"
    assert symbol(123, DocType.KE_HOACH, "BCĐ") == "123/KH-BCĐ"
    assert symbol(12, DocType.CONG_VAN, "BCĐ", "VPTT") == "12/BCĐ-VPTT"


@pytest.mark.django_db
def test_numbers_follow_each_other_per_type_and_the_audit_records_each() -> None:
    p = province()
    events = AuditEvent.objects.count()
    first = numbering.issue_number(p, DocType.BAO_CAO, actor=SYSTEM, year=YEAR)
    second = numbering.issue_number(p, DocType.BAO_CAO, actor=SYSTEM, year=YEAR)
    plan = numbering.issue_number(p, DocType.KE_HOACH, actor=SYSTEM, year=YEAR)
    assert (first.number, second.number, plan.number) == (1, 2, 1)
    assert second.symbol == "02/BC-BCĐ"
    assert AuditEvent.objects.count() == events + 3
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    assert (last.action, last.committee_id) == ("number.issued", p.pk)


@pytest.mark.django_db
def test_a_shared_register_numbers_every_type_in_one_series() -> None:
    p = province()
    numbering.set_per_type(p, False, actor=SYSTEM)
    a = numbering.issue_number(p, DocType.BAO_CAO, actor=SYSTEM, year=YEAR)
    b = numbering.issue_number(p, DocType.KE_HOACH, actor=SYSTEM, year=YEAR)
    assert (a.symbol, b.symbol) == ("01/BC-BCĐ", "02/KH-BCĐ")
    assert NumberRegister.objects.get(committee_id=p.pk, year=YEAR).doc_type == ""


@pytest.mark.django_db
def test_a_year_keeps_its_mode_when_the_setting_changes(
    client_for: Callable[[str], Client],
) -> None:
    p = province()
    # Years the demo has not numbered in, whatever the suite's today: the demo's own
    # documents of this year would already have started this year's registers.
    started, fresh = YEAR, YEAR + 1
    numbering.issue_number(p, DocType.BAO_CAO, actor=SYSTEM, year=started)
    response = client_for("quantri").post(f"/committees/{p.pk}/numbers/", {"per_type": "0"})
    assert response.status_code == 302
    assert not core_numbering.per_type(p.pk)
    # The started year stays per type: no second "01/BC-BCĐ"; the fresh year starts shared.
    assert numbering.issue_number(p, DocType.BAO_CAO, actor=SYSTEM, year=started).number == 2
    assert numbering.issue_number(p, DocType.KE_HOACH, actor=SYSTEM, year=fresh).number == 1
    assert numbering.issue_number(p, DocType.BAO_CAO, actor=SYSTEM, year=fresh).number == 2
    assert (
        client_for("thuongtruc").post(f"/committees/{p.pk}/numbers/", {"per_type": "1"}).status_code
        == 403
    )


@pytest.mark.django_db
def test_a_paper_number_already_used_is_refused_with_nothing_written() -> None:
    p = province()
    numbering.issue_number(p, DocType.TO_TRINH, actor=SYSTEM)
    before = (IssuedNumber.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as refused:
        numbering.record_external_number(p, DocType.TO_TRINH, 1, actor=SYSTEM)
    assert "01/TTr-BCĐ" in str(refused.value)
    assert (IssuedNumber.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_the_next_number_given_on_paper_moves_the_counter_past_it() -> None:
    p = province()
    recorded = numbering.record_external_number(p, DocType.TO_TRINH, 1, actor=SYSTEM)
    assert recorded.external and recorded.symbol == "01/TTr-BCĐ"
    assert numbering.issue_number(p, DocType.TO_TRINH, actor=SYSTEM).number == 2


@pytest.mark.django_db
def test_a_paper_number_that_would_leave_a_gap_is_refused() -> None:
    p = province()
    numbering.issue_number(p, DocType.TO_TRINH, actor=SYSTEM)
    before = (IssuedNumber.objects.count(), AuditEvent.objects.count())
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        numbering.record_external_number(p, DocType.TO_TRINH, 9999, actor=SYSTEM)
    assert "2" in str(refused.value) and "khoảng trống" in str(refused.value)
    assert (IssuedNumber.objects.count(), AuditEvent.objects.count()) == before
    assert numbering.issue_number(p, DocType.TO_TRINH, actor=SYSTEM).number == 2


@pytest.mark.django_db
def test_an_agency_officer_may_not_take_the_committees_numbers(
    persona: Callable[..., User],
) -> None:
    with pytest.raises(PermissionDenied):
        numbering.issue_number(province(), DocType.TO_TRINH, actor=persona("congthuong"))
    with pytest.raises(PermissionDenied):
        numbering.issue_number(province(), DocType.TO_TRINH, actor=persona("xa_a"))
    assert (
        numbering.issue_number(province(), DocType.TO_TRINH, actor=persona("thuongtruc")).number
        == 1
    )


@pytest.mark.django_db
def test_an_unknown_document_type_is_refused() -> None:
    with pytest.raises(ValidationError):
        numbering.issue_number(province(), "XX", actor=SYSTEM)


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory shared-cache test database answers 'table is locked' instead of "
    "waiting; SQLite is covered by the file-database test with 8 processes below",
)
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_issuers_get_distinct_consecutive_numbers() -> None:
    # Transactional tests run after others have flushed the demo: core needs only an id.
    register = core_numbering.register_for(999, DocType.QUYET_DINH, issuer_code="BCĐ")
    got: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def issuer() -> None:
        try:
            start.wait()
            for _ in range(5):
                got.append(
                    core_numbering.issue_number(register, DocType.QUYET_DINH, actor=SYSTEM).number
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=issuer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(got) == list(range(1, 41))
    stored = list(IssuedNumber.objects.filter(register=register).values_list("number", flat=True))
    assert sorted(stored) == list(range(1, 41))
    assert NumberRegister.objects.get(pk=register.pk).last_number == 40
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.django_db
def test_the_register_page_shows_numbers_and_refuses_a_used_one(
    client_for: Callable[[str], Client],
) -> None:
    p = province()
    client = client_for("thuongtruc")
    url = f"/committees/{p.pk}/numbers/"
    response = client.post(url, {"doc_type": "TTr", "number": "", "unit": ""})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "01/TTr-BCĐ" in page
    response = client.post(url, {"doc_type": "TTr", "number": "1", "unit": ""})
    assert response.status_code == 200
    assert "đã được sử dụng" in response.content.decode()
    assert IssuedNumber.objects.filter(doc_type="TTr").count() == 1


@pytest.mark.django_db
def test_the_api_lists_numbers_to_their_keepers_only(api_for: Callable[..., Client]) -> None:
    numbering.issue_number(province(), DocType.TO_TRINH, actor=SYSTEM)
    rows = api_for("thuongtruc").get("/api/v1/issued-numbers/").json()["results"]
    assert [r["symbol"] for r in rows if "/TTr-" in r["symbol"]] == ["01/TTr-BCĐ"]
    assert api_for("congthuong").get("/api/v1/issued-numbers/").json()["results"] == []
    commune = api_for("xa_a").get("/api/v1/issued-numbers/").json()["results"]
    assert "01/TTr-BCĐ" not in [r["symbol"] for r in commune]  # the province's, not theirs


ISSUER = """
from vigil.core import numbering
from vigil.core.audit import SystemActor
register = numbering.register_for(999, "QĐ", issuer_code="BCĐ")
print(",".join(str(numbering.issue_number(register, "QĐ", actor=SystemActor("p")).number)
               for _ in range(5)))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite (file, WAL) variant")
def test_eight_concurrent_processes_on_a_sqlite_file_get_distinct_consecutive_numbers(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_VERSION")}
    env |= {"VIGIL_ENV": "test", "VIGIL_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "vigil"]
    subprocess.run([*command, "migrate", "-v0"], env=env, check=True)
    issuers = [
        subprocess.Popen(
            [*command, "shell", "--no-imports", "-c", ISSUER],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    got: list[int] = []
    for issuer in issuers:
        out, err = issuer.communicate(timeout=300)
        assert issuer.returncode == 0, err
        got += [int(n) for n in out.strip().splitlines()[-1].split(",")]
    assert sorted(got) == list(range(1, 41))
    verified = subprocess.run(
        [*command, "audit", "verify"], env=env, capture_output=True, text=True, check=False
    )
    assert verified.returncode == 0, verified.stderr
