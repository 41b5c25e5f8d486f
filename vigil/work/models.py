"""Work plans, issued and incoming documents, meetings, tasks and report obligations."""

from vigil.work.obligations.models import (  # noqa: F401
    Indicator,
    NarrativeSection,
    ReportObligation,
    ReportPeriod,
    ReportSubmission,
    ReportTemplate,
)
