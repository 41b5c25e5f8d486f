"""CAP import: a valid file becomes a draft (never sent); hostile files are refused,
each with a clear Vietnamese message, and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.situation.cap.helpers import committee, issued, later, user
from tests.situation.cap.test_schema import VALID
from vigil.core.models import AuditEvent
from vigil.situation.alerts.models import Alert, AlertState, CapScope
from vigil.situation.cap.reader import MAX_CAP_BYTES
from vigil.situation.cap.services import import_cap
from vigil.situation.cap.writer import alert_to_cap
from vigil.situation.models import SituationAction

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>"""
DTD_ONLY = b"""<?xml version="1.0"?>
<!DOCTYPE alert SYSTEM "http://example.invalid/cap.dtd">
""" + VALID.split("?>", 1)[1].encode()
CAP_11 = VALID.replace(":cap:1.2", ":cap:1.1").encode()
OTHER_NS = VALID.replace("urn:oasis:names:tc:emergency:cap:1.2", "urn:example:alerts").encode()

# file -> words the Vietnamese refusal must contain
HOSTILE = {
    "billion laughs": (BILLION_LAUGHS, "thực thể"),
    "external entity": (EXTERNAL_ENTITY, "thực thể"),
    "a DTD": (DTD_ONLY, "DTD"),
    "CAP 1.1": (CAP_11, "CAP 1.1"),
    "another namespace": (OTHER_NS, "không phải cảnh báo CAP 1.2"),
    "not XML": (b"%PDF-1.7 not a CAP file", "không phải XML"),
    "not well-formed": (b"<alert><identifier>x</alert>", "không đúng cú pháp"),
    "oversize": (b"<alert>" + b" " * MAX_CAP_BYTES + b"</alert>", "1024 KB"),
    "schema failure": (VALID.replace("<status>Actual", "<status>Real").encode(), "lược đồ"),
    "an Ack": (VALID.replace("<msgType>Alert", "<msgType>Ack").encode(), "Ack"),
    "expired": (VALID.replace("2026-11-26T", "2026-11-20T").encode(), "hết hiệu lực"),
    "no info": (VALID.split("<info>")[0].encode() + b"</alert>", "<info>"),
}


@pytest.fixture
def counts() -> Iterator[None]:
    before = (Alert.objects.count(), AuditEvent.objects.count())
    yield
    assert (Alert.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_file_is_refused_with_a_clear_message(case: str, counts: None) -> None:
    data, words = HOSTILE[case]
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        import_cap(data, committee(), actor=user("thuongtruc"))
    message = " ".join(refused.value.messages)
    assert words in message, (case, message)


def test_a_valid_file_becomes_a_draft_and_is_audited() -> None:
    data = VALID.replace("2026-11-26T08:30:00+07:00", "2099-01-01T00:00:00+07:00").encode()
    alert = import_cap(data, committee(), actor=user("thuongtruc"))
    assert alert.state == AlertState.DRAFT and alert.sent_at is None
    assert not alert.deliveries.exists()
    assert alert.event == "Đe dọa khủng bố"
    assert alert.headline == "Cảnh báo nguy cơ khủng bố"
    assert (alert.urgency, alert.severity, alert.certainty) == ("Expected", "Severe", "Possible")
    assert alert.event_code == "OET-000"
    assert alert.cap_scope == CapScope.RESTRICTED  # Public becomes Restricted
    assert list(alert.communes.values_list("code", flat=True)) == ["06994"]
    assert alert.identifier != "TT-2026-0001"  # Vigil's own identifier
    event = AuditEvent.objects.filter(action=SituationAction.ALERT_IMPORTED).latest("pk")
    assert event.object_id == str(alert.pk)
    assert event.after is not None
    assert event.after["cap_identifier"] == "TT-2026-0001"


def test_what_vigil_writes_it_reads_back() -> None:
    original = issued(headline_en="Bomb threat", expires_at=later(), cap_status="Exercise")
    copy = import_cap(
        alert_to_cap(original, viewer=user("thuongtruc")), committee(), actor=user("thuongtruc")
    )
    for name in ("event", "urgency", "severity", "certainty", "cap_status", "description",
                 "instruction"):  # fmt: skip
        assert getattr(copy, name) == getattr(original, name), name
    assert copy.is_exercise
    # The headlines come back with the exercise mark the CAP message carries.
    assert copy.headline == f"DIỄN TẬP: {original.headline}"
    assert copy.headline_en == f"DIỄN TẬP (EXERCISE): {original.headline_en}"


def test_only_who_may_draft_imports(counts: None) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_cap(VALID.encode(), committee(), actor=user("congthuong"))
