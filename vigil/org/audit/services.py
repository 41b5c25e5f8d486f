"""Audit log use cases: an auditor verifies the chains."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from vigil.core import verification
from vigil.core.audit import Actor
from vigil.core.models import VerificationRun
from vigil.org.audit.queries import is_auditor


def verify_chains(*, actor: Actor) -> dict[str, VerificationRun]:
    """Service: an auditor runs every chain verifier now; the results are kept."""
    if not is_auditor(actor):
        raise PermissionDenied(_("Only an auditor may run the verification."))
    return verification.run_all(actor=actor)
