"""The schema checked in code (vigil/situation/cap/schema.py) gives the OASIS XSD's verdict."""

from __future__ import annotations

import pytest

from tests.situation.cap.helpers import xsd_errors
from vigil.situation.cap.reader import _parse
from vigil.situation.cap.schema import CapError, check_alert

VALID = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>TT-2026-0001</identifier>
  <sender>canhbao@example.gov.vn</sender>
  <sent>2026-11-25T08:30:00+07:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <code>VN</code>
  <info>
    <language>vi-VN</language>
    <category>Security</category>
    <category>Safety</category>
    <event>Đe dọa khủng bố</event>
    <responseType>Monitor</responseType>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Possible</certainty>
    <eventCode><valueName>OET:v1.2</valueName><value>OET-000</value></eventCode>
    <effective>2026-11-25T08:30:00+07:00</effective>
    <expires>2026-11-26T08:30:00+07:00</expires>
    <senderName>Trung tâm cảnh báo</senderName>
    <headline>Cảnh báo nguy cơ khủng bố</headline>
    <description>Mô tả.</description>
    <instruction>Hướng dẫn.</instruction>
    <web>https://example.gov.vn/canh-bao/1</web>
    <parameter><valueName>x</valueName><value>1</value></parameter>
    <resource><resourceDesc>Ảnh</resourceDesc><mimeType>image/png</mimeType><size>120</size></resource>
    <area>
      <areaDesc>Đặc khu Vân Đồn</areaDesc>
      <polygon>21.0,107.4 21.1,107.5 21.0,107.5 21.0,107.4</polygon>
      <circle>21.05,107.45 2</circle>
      <geocode><valueName>VN-DVHC</valueName><value>06994</value></geocode>
      <altitude>10.5</altitude>
    </area>
  </info>
  <info>
    <language>en-US</language>
    <category>Security</category>
    <event>Terrorism threat</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Possible</certainty>
  </info>
</alert>
"""

# Each a way to break the message; the XSD refuses every one.
BROKEN = {
    "status": ("<status>Actual</status>", "<status>Real</status>"),
    "missing sender": ("<sender>canhbao@example.gov.vn</sender>", ""),
    "sent with fractions": ("<sent>2026-11-25T08:30:00+07:00", "<sent>2026-11-25T08:30:00.5+07:00"),
    "sent in UTC 'Z'": ("<sent>2026-11-25T08:30:00+07:00", "<sent>2026-11-25T01:30:00Z"),
    "sent not a date": ("<sent>2026-11-25T08:30:00+07:00", "<sent>2026-13-45T08:30:00+07:00"),
    "out of order": (
        "<status>Actual</status>\n  <msgType>Alert</msgType>",
        "<msgType>Alert</msgType>\n  <status>Actual</status>",
    ),
    "two notes": ("<code>VN</code>", "<code>VN</code><note>a</note><note>b</note>"),
    "unknown element": ("<code>VN</code>", "<code>VN</code><colour>red</colour>"),
    "an attribute": ("<identifier>", '<identifier lang="vi">'),
    "category": ("<category>Safety</category>", "<category>Terror</category>"),
    "no category": ("<category>Security</category>\n    <event>Terrorism", "<event>Terrorism"),
    "urgency": ("<urgency>Expected</urgency>", "<urgency>Now</urgency>"),
    "eventCode without value": ("<value>OET-000</value></eventCode>", "</eventCode>"),
    "text in info": ("<language>vi-VN</language>", "loose text<language>vi-VN</language>"),
    "element in text": ("<headline>Cảnh báo", "<headline><b>x</b>Cảnh báo"),
    "size not integer": ("<size>120</size>", "<size>lớn</size>"),
    "altitude not decimal": ("<altitude>10.5</altitude>", "<altitude>cao</altitude>"),
    "area without areaDesc": ("<areaDesc>Đặc khu Vân Đồn</areaDesc>", ""),
    "foreign element in info": (
        "<instruction>Hướng dẫn.</instruction>",
        '<instruction>Hướng dẫn.</instruction><x:y xmlns:x="urn:other">1</x:y>',
    ),
    "language": ("<language>en-US</language>", "<language>en_US!</language>"),
}


def _verdict(data: bytes) -> bool:
    try:
        check_alert(_parse(data))
    except CapError:
        return False
    return True


def test_the_valid_message_passes_both() -> None:
    data = VALID.encode()
    assert xsd_errors(data) == []
    assert _verdict(data)


def test_a_signature_at_the_end_passes_both() -> None:
    signed = VALID.replace(
        "</alert>", '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/></alert>'
    ).encode()
    assert xsd_errors(signed) == []
    assert _verdict(signed)


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_broken_message_fails_both(case: str) -> None:
    old, new = BROKEN[case]
    assert old in VALID, case
    data = VALID.replace(old, new, 1).encode()
    assert xsd_errors(data) != [], case
    assert not _verdict(data), case
