"""Hash-chain verifiers, one registry: the audit chain here, the ledger later.

``register_verifier("ledger", verify_ledger)`` adds a chain; ``vigil restore``
and the audit page's "verify now" run them all, and every run is kept in
``VerificationRun`` so the page can show the last result.
``register_cross_check(actions, check)`` makes the audit chain's verification
check the events of those actions against the chain they anchor (the ledger's
heads), so ``vigil audit verify`` names an anchor the ledger no longer bears out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.core.audit import register_cross_check as register_cross_check
from vigil.core.models import VerificationRun


@dataclass(frozen=True)
class ChainResult:
    ok: bool
    checked: int
    head: str
    broken_at: int | None = None
    reason: str = ""


Verifier = Callable[[], ChainResult]
_VERIFIERS: dict[str, Verifier] = {}
_LABELS: dict[str, Any] = {}


def register_verifier(name: str, verifier: Verifier, *, label: Any = None) -> None:
    """``label``: what the pages call the chain (a lazy translation), e.g. "Audit chain"."""
    _VERIFIERS[name] = verifier
    _LABELS[name] = label or name


def verifier_label(name: str) -> Any:
    return _LABELS.get(name, name)


def verifiers() -> dict[str, Verifier]:
    return dict(_VERIFIERS)


def verify_audit_chain(anchor: tuple[int, str] | None = None) -> ChainResult:
    result = audit.verify(anchor=anchor)
    return ChainResult(
        ok=result.ok,
        checked=result.checked,
        head=result.head,
        broken_at=result.broken_seq,
        reason=result.reason,
    )


register_verifier("audit", verify_audit_chain, label=_("Audit chain"))


def record_run(name: str, result: ChainResult, *, actor: Actor) -> VerificationRun:
    """Keep a verification's result (not an audit event: it would move the head it reports)."""
    return VerificationRun.objects.create(
        at=clock.now(),
        verifier=name,
        ok=result.ok,
        checked=result.checked,
        head=result.head[:100],
        broken_at=result.broken_at,
        reason=result.reason[:300],
        actor_label=audit.actor_label(actor),
    )


def run_all(*, actor: Actor) -> dict[str, VerificationRun]:
    """Run every registered verifier and record each result."""
    return {name: record_run(name, check(), actor=actor) for name, check in _VERIFIERS.items()}


def latest_runs() -> dict[str, VerificationRun]:
    runs: dict[str, VerificationRun] = {}
    for name in _VERIFIERS:
        run = VerificationRun.objects.filter(verifier=name).order_by("-at", "-pk").first()
        if run is not None:
            runs[name] = run
    return runs
