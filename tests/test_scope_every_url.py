"""The generic scope test: every URL, every persona, against docs/scope-cases.md.

Later apps join by adding their URL names to the registries below; a URL that
is in none of them fails ``test_every_url_is_registered``. A new case goes into
``CASES`` and into the table of docs/scope-cases.md together (the checklist for a
new app is in docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PERSONA_NAMES
from vigil.controlled.blasts.demo import UNBALANCED_NUMBER
from vigil.controlled.counts.models import Discrepancy, StockCount
from vigil.controlled.models import (
    Balance,
    Blast,
    Inspection,
    Item,
    LedgerEntry,
    Licence,
    OrganisationProfile,
    Store,
    Transfer,
)
from vigil.core import attachments
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit, Attachment
from vigil.org.models import (
    Agency,
    Committee,
    ContactPoint,
    DutyShift,
    MemberAgency,
    Post,
    PostHolder,
)
from vigil.work.demo import CASE_4_SUBJECT
from vigil.work.models import IncomingDocument, IssuedDocument, Meeting, Task, WorkPlan

# docs/scope-cases.md, columns in PERSONA_NAMES order:
# lanhdao thuongtruc congthuong bienphong xa_a xa_b kiemtoan kho_mo quantri
CASES: dict[int, str] = {
    1: "YYNNYNYNY",
    2: "YYNNNNYNN",
    3: "YYNNNNYNY",
    6: "YNNNNNNNN",
    7: "YYNYNNYNN",
    8: "YYYNNNYYY",
    9: "YYYYYYYNY",
    10: "YYYYYYYNY",
    11: "YYYYYYYYY",
    12: "YYYNYNYNY",
    4: "YYYNNNYNY",
    5: "YYNNYNYNY",  # an alert in P addressed to the committee of commune A (situation)
    13: "YYYYYYYNY",  # directory: an administrative unit (same rule as 9)
    # Report obligations (tests/work/obligations): the demo's monthly report of the province.
    14: "YYYNNNYNY",  # DIT's report (owned by P, addressed to DIT): as case 4
    15: "YYNNYNYNY",  # commune A committee's report (addressed to committee A): as case 5
    16: "YYYYYYYNY",  # the obligation, addressed to DIT, Border Guard, communes A and B
    17: "YYNNNNYNY",  # a period's consolidation: the issuing committee's side only
    18: "YYNYNNYNN",  # a Mật quarterly obligation addressed to the Border Guard: as case 7
    # The second licensed organisation's (the quarry's) records, owned by P and shared with DIT:
    # case 8 for another organisation, so the mine's storekeeper finds none of them.
    19: "YYYNNNYNY",
    # An exercise of P in which DIT and the Border Guard take part (the seaport tabletop):
    # its objectives, findings and corrective actions are seen with it.
    20: "YYYYNNYNY",
    # A summary report of P classified Mật (the demo's issued quarterly report): the
    # committee-wide roles of P cleared Mật; the administrator is cleared Thường.
    21: "YYNNNNYNN",
}
REPORT_CASES = [14, 15, 16, 17, 18]
QUARRY_CASE = 19  # the second licensed organisation (the quarry)
EXERCISE_CASE = 20  # the province's exercise with DIT and the Border Guard taking part
SUMMARY_CASE = 21  # the province's issued quarterly summary report, Mật (vigil/reports/demo.py)
CONTACT_CASES = [1, 2, 3, 6, 7, 8, 12]
DUTY_CASES = [1, 3]  # the demo's commune A police and provincial police rosters

# URL name -> the kind of object its single <pk> argument names.
DETAIL_URLS: dict[str, str] = {
    "org:committee_detail": "committee",
    "org:agency_detail": "agency",
    "org:contact_detail": "contact",
    "api-committee-detail": "committee",
    "api-agency-detail": "agency",
    "api-post-detail": "post",
    "api-postholder-detail": "holder",
    "api-memberagency-detail": "member",
    "api-adminunit-detail": "adminunit",
    "api-contactpoint-detail": "contact",
    "api-dutyshift-detail": "dutyshift",
    "core:attachment_download": "attachment",
    "api-attachment-detail": "attachment",
    "api-attachment-download": "attachment",
    "api-item-detail": "item",
    "api-licence-detail": "licence",
    "api-store-detail": "store",
    "api-balance-detail": "balance",
    "api-movement-detail": "movement",
    "controlled:store_detail": "store",
    "work:task_detail": "task",
    "work:document_detail": "document",
    "work:document_docx": "document",
    "api-task-detail": "task",
    "api-document-detail": "document",
    "work:plan_detail": "plan",
    "work:meeting_detail": "meeting",
    "work:incoming_detail": "incoming",
    "api-workplan-detail": "plan",
    "api-meeting-detail": "meeting",
    "api-incomingdocument-detail": "incoming",
    "work:obligation_detail": "report_obligation",
    "work:submission_detail": "report_submission",
    "work:consolidation": "report_period",
    "work:consolidation_xlsx": "report_period",
    "work:consolidation_docx": "report_period",
    "api-reportobligation-detail": "report_obligation",
    "api-reportsubmission-detail": "report_submission",
    "api-consolidation-detail": "report_period",
    "api-organisation-detail": "organisation",
    "api-inspection-detail": "inspection",
    "api-transfer-detail": "transfer",
    "controlled:organisation_detail": "organisation",
    "controlled:licence_detail": "licence",
    "controlled:inspection_detail": "inspection",
    "controlled:transfer_detail": "transfer",
    # Blasts (tests/controlled/test_blasts*.py): the demo's open blast that does not balance.
    "controlled:blast_detail": "blast",
    "api-blast-detail": "blast",
    # Stock counts (tests/controlled/test_counts*.py; vigil/controlled/counts/demo.py)
    "controlled:count_detail": "count",
    "api-stockcount-detail": "count",
    "api-discrepancy-detail": "discrepancy",
    # Key sites and contingency plans (tests/sites; vigil/sites/demo.py)
    "sites:site_detail": "site",
    "sites:plan_detail": "cplan",
    "api-site-detail": "site",
    "api-plan-detail": "cplan",
    "api-planversion-detail": "cversion",
    "api-riskassessment-detail": "risk",
    "sites:version_docx": "cversion",
    "api-planversion-docx": "cversion",
    # Flash reports (tests/situation/flash): seen by whoever sees the incident.
    "situation:flash_report_detail": "flash_report",
    "situation:flash_report_docx": "flash_report",
    "api-flashreport-detail": "flash_report",
    "api-flashreport-docx": "flash_report",
    # An alert's CAP message (tests/situation/cap): 404 when the alert is not visible.
    "situation:alert_cap": "alert",
    "api-alert-cap": "alert",
    # Incidents (tests/situation/incidents; vigil/situation/incidents/demo.py)
    "situation:incident_detail": "incident",
    "api-incident-detail": "incident",
    # Alerts (tests/situation/board): the page and its live board.
    "situation:alert_detail": "alert",
    "situation:alert_board": "alert",
    # Alerts (tests/situation/alerts; vigil/situation/alerts/demo.py): cases 5 and 7.
    "api-alert-detail": "alert",
    "api-alert-board": "alert",
    # Trainings (tests/exercises/trainings; vigil/exercises/trainings/demo.py): cases 1, 2, 4.
    "exercises:training_detail": "training",
    "api-training-detail": "training",
    # Exercises (tests/exercises/drills; vigil/exercises/drills/demo.py): commune A's
    # airport drill (case 1), commune B's Mật market drill (case 2).
    "exercises:exercise_detail": "exercise",
    "api-exercise-detail": "exercise",
    # Exercise evaluation (tests/exercises/evaluation): seen with their exercise.
    "api-finding-detail": "finding",
    "api-correctiveaction-detail": "caction",
    "exercises:exercise_docx": "exercise",
    "api-exercise-docx": "exercise",
    # Exercise mode (tests/exercises/live): an exercise's timeline, incidents and alerts.
    "exercises:exercise_timeline": "exercise",
    "api-exercise-timeline": "exercise",
    "api-exercise-incidents": "exercise",
    "api-exercise-alerts": "exercise",
    # Commendation proposals (tests/reports/commendations; vigil/reports/commendations/demo.py):
    # the individual's (case 3), the Giấy khen to DIT (case 4), the Bằng khen to commune A (5).
    "reports:commendation_detail": "commendation",
    "reports:commendation_docx": "commendation",
    "api-commendation-detail": "commendation",
    # Summary reports (tests/reports): the report, its sections, its .docx.
    "reports:report_detail": "summary_report",
    "reports:report_docx": "summary_report",
    "api-report-detail": "summary_report",
    "api-report-docx": "summary_report",
}
# Exports that refuse some visible objects (edXML: nothing classified travels; the
# page sends the user back with the reason, the API answers 403): 404 when not visible.
EXPORT_URLS: dict[str, str] = {
    "work:document_edxml": "document",
    "api-document-edxml": "document",
    "situation:flash_report_edxml": "flash_report",
    "api-flashreport-edxml": "flash_report",
    # A summary report's edXML: an issued, unclassified report only (tests/reports).
    "reports:report_edxml": "summary_report",
    "api-report-edxml": "summary_report",
}
# Pages that change an object: 404 when it is not visible, 200 or 403 when it is.
WRITE_URLS: dict[str, tuple[str, str]] = {
    "org:contact_edit": ("contact", "pk"),
    "org:contact_create": ("agency", "agency_pk"),
    "org:admin_committee": ("committee", "pk"),
    "org:admin_committee_create": ("committee", "pk"),
    "org:admin_committee_edit": ("committee", "pk"),
    "org:admin_member_add": ("committee", "pk"),
    "org:admin_post_create": ("committee", "pk"),
    "org:admin_member_end": ("member", "pk"),
    "org:admin_holder_appoint": ("post", "pk"),
    "org:admin_post_edit": ("post", "pk"),
    "org:admin_holder_end": ("holder", "pk"),
    "org:admin_agency_edit": ("agency", "pk"),
    "org:duty_roster": ("agency", "agency_pk"),
    "controlled:movement_create": ("store", "store_pk"),
    "work:document_create": ("committee", "committee_pk"),
    "work:plan_create": ("committee", "committee_pk"),
    "work:meeting_create": ("committee", "committee_pk"),
    "work:incoming_create": ("committee", "committee_pk"),
    "work:incoming_import": ("committee", "committee_pk"),
    "work:obligation_template": ("report_obligation", "pk"),
    "controlled:organisation_edit": ("organisation", "pk"),
    "controlled:licence_create": ("organisation", "org_pk"),
    "controlled:store_create": ("organisation", "org_pk"),
    "controlled:licence_edit": ("licence", "pk"),
    "controlled:store_edit": ("store", "pk"),
    "controlled:inspection_create": ("store", "store_pk"),
    "controlled:transfer_create": ("store", "store_pk"),
    "controlled:blast_create": ("store", "store_pk"),
    "controlled:blast_results": ("blast", "pk"),
    "controlled:blast_close": ("blast", "pk"),  # GET: the confirmation page
    "controlled:count_create": ("store", "store_pk"),
    "sites:site_edit": ("site", "pk"),
    "sites:assessment_create": ("site", "pk"),
    "sites:version_edit": ("cversion", "pk"),
    # Issuing a flash report: the standing office and leaders (tests/situation/flash).
    "situation:flash_report_new": ("incident", "pk"),
    # Importing a CAP file as a draft of a committee: who may draft (tests/situation/cap).
    "situation:alert_import_cap": ("committee", "committee_pk"),
    "situation:incident_edit": ("incident", "pk"),
    "situation:incident_update": ("incident", "pk"),
    # Exercise steps: 403 for a reader, and for a keeper a step the state does not open.
    **{
        f"exercises:exercise_{step}": ("exercise", "pk")
        for step in ("edit", "objective_add", "conduct", "finish_evaluation", "close", "cancel")
    },
    # Exercise mode: who sees the exercise and may report (draft) for its committee; a
    # closed exercise mode says why (tests/exercises/live).
    "exercises:exercise_incident_new": ("exercise", "pk"),
    "exercises:exercise_alert_new": ("exercise", "pk"),
    # Alerts (tests/situation/board): 403 for a visible alert the user may not act on.
    **{
        f"situation:alert_{verb}": ("alert", "pk")
        for verb in ("edit", "approve", "acknowledge", "ack_code", "update", "cancel")
    },
    # Trainings: the keepers of the committee (200), other readers 403 (tests/exercises/trainings).
    **{f"exercises:training_{verb}": ("training", "pk") for verb in ("edit", "held", "cancel")},
    # Exercise evaluation: the exercise's keepers, 403 for a visible one they do not keep.
    "exercises:objective_rate": ("objective", "pk"),
    "exercises:finding_new": ("exercise", "pk"),
    "exercises:action_new": ("finding", "pk"),
    # Commendation steps: 403 for a reader, and for a keeper a step the state does not open.
    **{
        f"reports:commendation_{step}": ("commendation", "pk")
        for step in ("review", "decide", "refuse")
    },
    # Summary reports: issuing is a leader's (403 for the others who see it); discarding
    # a draft the standing office's and leaders' (tests/reports/test_pages.py).
    "reports:report_issue": ("summary_report", "pk"),
    "reports:report_discard": ("summary_report", "pk"),
}
# POST-only actions on an object: 404 when it is not visible; otherwise done, refused
# (403) or sent back with a message (302/400).
POST_URLS: dict[str, tuple[str, str]] = {
    "org:duty_shift_remove": ("dutyshift", "pk"),
    "org:contact_attachment_upload": ("contact", "pk"),
    "core:attachment_delete": ("attachment", "pk"),
    # One's own inbox entries: another user's is 404 (tests/inbox/test_pages_and_api.py).
    "inbox:mark_read": ("inbox_entry", "pk"),
    "api-notification-read": ("inbox_entry", "pk"),
    # The holiday table is not scoped; a non-administrator's write is 403 (same file).
    "inbox:holiday_delete": ("holiday", "pk"),
    # Task actions: the assignee or the issuer acts, others 403; a page without the
    # version it read is sent back (302), the API answers 400 (tests/work).
    **{
        f"work:task_{verb}": ("task", "pk")
        for verb in ("acknowledge", "progress", "done", "accept", "return", "cancel", "edit")
    },
    **{
        f"api-task-{verb}": ("task", "pk")
        for verb in ("acknowledge", "progress", "done", "accept", "return", "cancel")
    },
    "work:task_attachment_upload": ("task", "pk"),
    "work:document_attachment_upload": ("document", "pk"),
    "work:plan_attachment_upload": ("plan", "pk"),
    "work:meeting_attachment_upload": ("meeting", "pk"),
    "work:incoming_attachment_upload": ("incoming", "pk"),
    "work:incoming_assign": ("incoming", "pk"),
    "work:incoming_tasks": ("incoming", "pk"),
    # The API's writes of plans, meetings and incoming documents (tests/work/test_records_api.py)
    "api-workplan-tasks": ("plan", "pk"),
    "api-meeting-tasks": ("meeting", "pk"),
    "api-incomingdocument-assign": ("incoming", "pk"),
    "api-incomingdocument-tasks": ("incoming", "pk"),
    "work:obligation_open_period": ("report_obligation", "pk"),
    "work:submission_submit": ("report_submission", "pk"),
    "work:submission_return": ("report_submission", "pk"),
    "work:submission_accept": ("report_submission", "pk"),
    "work:submission_fill": ("report_submission", "pk"),
    # The registry (tests/controlled/test_registry*.py, test_transfers.py)
    "controlled:licence_status": ("licence", "pk"),
    "controlled:inspection_attach": ("inspection", "pk"),
    "controlled:transfer_receive": ("transfer", "pk"),
    "controlled:transfer_cancel": ("transfer", "pk"),
    "api-licence-status": ("licence", "pk"),
    "api-transfer-receive": ("transfer", "pk"),
    "api-transfer-cancel": ("transfer", "pk"),
    # Refused (400, it does not balance) or 403 for a reader: the demo blast stays open.
    "api-blast-results": ("blast", "pk"),
    "api-blast-close": ("blast", "pk"),
    # Stock counts: the demo's are submitted (sent back, 302; the API answers 400), and
    # resolving takes a form (sent back) or JSON (415 for this empty form body).
    "controlled:count_submit": ("count", "pk"),
    "api-stockcount-submit": ("count", "pk"),
    "controlled:discrepancy_resolve": ("discrepancy", "pk"),
    "api-discrepancy-resolve": ("discrepancy", "pk"),
    # Plan versions (tests/sites): the version in force or waiting, so every action is
    # refused or sent back; archiving a site the user keeps is done (302).
    "sites:site_archive": ("site", "pk"),
    "situation:alert_withdraw": ("alert", "pk"),
    "sites:version_add": ("cplan", "pk"),
    **{f"sites:version_{verb}": ("cversion", "pk") for verb in ("submit", "approve", "return")},
    **{f"api-planversion-{verb}": ("cversion", "pk") for verb in ("submit", "approve", "return")},
    "api-flash-report-issue": ("incident", "pk"),
    # Incident actions (JSON only: the empty form body is 415 once the incident is found).
    "api-incident-move": ("incident", "pk"),
    "api-incident-updates": ("incident", "pk"),
    # Exercise steps (JSON only: 403 for a reader, then 415 for this empty form body; close
    # reads no body and is refused, 400).
    **{
        f"api-exercise-{verb}": ("exercise", "pk")
        for verb in ("conduct", "finish-evaluation", "close", "cancel", "objectives")
    },
    # Alert actions: issued alerts, so approving is refused (400); the others take JSON
    # only (415 for this empty form body) once the alert is found.
    **{
        f"api-alert-{verb}": ("alert", "pk")
        for verb in ("approve", "acknowledge", "acknowledge-by-code", "update", "cancel")
    },
    # Trainings: a material's upload (302 with a message, or 403); the API's actions take
    # JSON only (415 for this empty form body) once the training is found.
    "exercises:training_attach": ("training", "pk"),
    "api-training-held": ("training", "pk"),
    "api-training-cancel": ("training", "pk"),
    # Rating an objective takes JSON only (415 for this empty form body once it is found).
    "api-objective-rate": ("objective", "pk"),
    # Commendation steps take JSON only (415 for this empty form body once it is found).
    **{
        f"api-commendation-{verb}": ("commendation", "pk")
        for verb in ("review", "decide", "refuse")
    },
    # Summary reports: the demo's is issued, so recomputing is refused (sent back, 302);
    # the API's take JSON only (415 for this empty form body) once the report is found,
    # 403 for who sees it but may not act.
    "reports:report_redraft": ("summary_report", "pk"),
    "api-report-redraft": ("summary_report", "pk"),
    "api-report-issue": ("summary_report", "pk"),
}
# URLs under an object with more than its id (a report's section): URL name -> (kind, the
# kwargs for that object). 404 when the object is not visible; 200, or 403 for a page
# that changes it, when it is.
NESTED_URLS: dict[str, tuple[str, Callable[[Any], dict[str, Any]]]] = {
    "reports:section_edit": ("summary_report", lambda r: {"pk": r.pk, "key": _first_key(r)}),
    "api-report-section": ("summary_report", lambda r: {"pk": r.pk, "key": _first_key(r)}),
}
# The report's files built by the chart, .xlsx and edXML outputs: scope and types checked
# per persona in tests/reports/test_downloads.py.
REPORT_OUTPUT_URLS = {"reports:report_xlsx", "api-report-xlsx", "reports:report_chart"}


def _first_key(report: Any) -> str:
    return str(report.sections.order_by("order").values_list("key", flat=True).first())


# Lists of a parent's children, found by ?parent_type=&parent_id= : 404 when the parent is not visible.
PARENT_LIST_URLS: dict[str, str] = {"api-attachment-list": "contact"}
# Pages for some roles only: URL name -> (kwargs maker, personas who get 200; others 404).
READERS = {"kiemtoan", "thuongtruc", "xa_a", "xa_b"}  # auditors and standing offices
ROLE_URLS: dict[str, tuple[Callable[[], dict[str, Any]], set[str]]] = {
    "org:audit_log": (dict, READERS),
    "api-auditevent-list": (dict, READERS),
    "org:audit_object": (lambda: {"object_type": "org.agency", "object_id": "1"}, READERS),
    "org:committee_numbers": (
        lambda: {"pk": Committee.objects.get(name__endswith="phường Móng Cái 1").pk},
        {"lanhdao", "thuongtruc", "quantri", "xa_b"},
    ),
    # Assigning a task: the standing offices and leaders of a committee.
    "work:task_create": (dict, {"lanhdao", "thuongtruc", "xa_a", "xa_b"}),
    # Setting a report obligation: the standing offices (tests/work/obligations).
    "work:obligation_create": (dict, {"thuongtruc", "xa_a", "xa_b"}),
    # Adding key sites and plans: the standing offices and leaders (tests/sites).
    "sites:site_create": (dict, {"lanhdao", "thuongtruc", "xa_a", "xa_b"}),
    "sites:plan_create": (dict, {"lanhdao", "thuongtruc", "xa_a", "xa_b"}),
    "sites:site_import": (dict, {"lanhdao", "thuongtruc", "xa_a", "xa_b"}),
    "sites:site_import_template": (dict, {"lanhdao", "thuongtruc", "xa_a", "xa_b"}),
    # Reporting an incident: members of a committee's agencies, not auditors,
    # administrators or a licensed organisation's storekeeper (tests/situation/incidents).
    "situation:incident_report": (
        dict,
        {"lanhdao", "thuongtruc", "congthuong", "bienphong", "xa_a", "xa_b"},
    ),
    # Drafting an alert: the standing offices and leaders (tests/situation/board).
    "situation:alert_new": (dict, {"lanhdao", "thuongtruc", "xa_a", "xa_b"}),
    # Planning a training: the standing offices and leaders (tests/exercises/trainings).
    "exercises:training_new": (dict, {"lanhdao", "thuongtruc", "xa_a", "xa_b"}),
    # Planning an exercise: the standing offices and leaders (tests/exercises/drills).
    "exercises:exercise_new": (dict, {"lanhdao", "thuongtruc", "xa_a", "xa_b"}),
    # Proposing a commendation: the standing offices and leaders, and agency heads
    # (none among the personas) (tests/reports/commendations).
    "reports:commendation_new": (dict, {"lanhdao", "thuongtruc", "xa_a", "xa_b"}),
}
# Lists: URL name -> the kind of object listed (None: a page without scoped rows of its own).
LIST_URLS: dict[str, str | None] = {
    "home:index": None,
    "org:committee_tree": "committee",
    "org:agency_list": "agency",
    "org:admin_unit_list": None,
    "api-committee-list": "committee",
    "api-agency-list": "agency",
    "api-post-list": "post",
    "api-postholder-list": "holder",
    "api-memberagency-list": "member",
    "api-contactpoint-list": "contact",
    "api-adminunit-list": "adminunit",
    "api-user-list": None,  # what an administrator answers for: ADMIN_URLS below
    "api-membership-list": None,
    "api-clearancerequest-list": None,
    "api-rolerequest-list": None,
    "api-dutyshift-list": "dutyshift",
    "inbox:index": None,
    "inbox:holidays": None,
    "inbox:policies": None,
    "api-notification-list": None,
    "api-holiday-list": None,
    "api-issuednumber-list": None,
    "api-item-list": "item",
    "api-licence-list": "licence",
    "api-store-list": "store",
    "api-balance-list": "balance",
    "api-movement-list": "movement",
    "controlled:store_list": "store",
    "controlled:movement_list": "movement",
    "controlled:licence_list": "licence",
    "work:task_list": "task",
    "work:document_list": "document",
    "work:scorecard": None,
    "work:scorecard_xlsx": None,
    "work:figures": None,
    "api-task-list": "task",
    "api-document-list": "document",
    "api-scorecard": None,
    "api-work-figures": None,
    "work:plan_list": "plan",
    "work:meeting_list": "meeting",
    "work:incoming_list": "incoming",
    "work:calendar": None,
    "api-workplan-list": "plan",
    "api-meeting-list": "meeting",
    "api-incomingdocument-list": "incoming",
    "work:obligation_list": "report_obligation",
    "work:reports_due": "report_submission",
    "api-reportobligation-list": "report_obligation",
    "api-reportsubmission-list": "report_submission",
    "api-consolidation-list": "report_period",
    "api-organisation-list": "organisation",
    "api-inspection-list": "inspection",
    "api-transfer-list": "transfer",
    "api-balance-totals": None,  # sums of visible balances: tests/controlled/test_registry_api.py
    "controlled:organisation_list": "organisation",
    "controlled:balance_list": "balance",
    "controlled:transfer_list": "transfer",
    "controlled:blast_list": "blast",
    "api-blast-list": "blast",
    # Period figures: sums over the scoped ledger, no rows of their own (their scope:
    # tests/controlled/test_figures.py).
    "controlled:figures": None,
    "api-ledger-figures": None,
    "controlled:count_list": "count",
    "api-stockcount-list": "count",
    "api-discrepancy-list": "discrepancy",
    "sites:site_list": "site",
    "sites:risk_register": "site",
    "api-site-list": "site",
    "api-plan-list": "cplan",
    "api-planversion-list": "cversion",
    "api-riskassessment-list": "risk",
    # The sites map: the page holds no rows (its script asks the data, a GeoJSON
    # FeatureCollection of one page: tests/sites/test_map.py).
    "sites:site_map": None,
    "situation:picture": None,
    "api-situation-picture": None,
    "situation:alert_list": "alert",
    "api-site-map": "site",
    "sites:site_export": "site",
    "situation:incident_list": "incident",
    "api-incident-list": "incident",
    "api-alert-list": "alert",
    "exercises:training_list": "training",
    "api-training-list": "training",
    "exercises:exercise_list": "exercise",
    "api-exercise-list": "exercise",
    "exercises:action_list": "caction",
    "api-finding-list": "finding",
    "api-correctiveaction-list": "caction",
    # Exercise figures: sums over the scoped exercises, trainings, sites and corrective
    # actions, no rows of their own (their scope: tests/exercises/figures/).
    "exercises:figures": None,
    "exercises:figures_xlsx": None,
    "api-exercise-figures": None,
    "reports:commendation_list": "commendation",
    "api-commendation-list": "commendation",
    # What Vigil shows of a recipient's year, as the reader sees it (no rows of its own;
    # its scope: tests/reports/commendations/test_pages_api_cli.py).
    "api-commendation-evidence": None,
    # Figures of key sites and plans, of incidents and alerts, for a period: counts over
    # the scoped sites, plans, incidents and alerts, no rows of their own (their scope:
    # tests/sites/test_figures.py, tests/situation/test_figures.py).
    "sites:figures": None,
    "api-site-figures": None,
    "situation:figures": None,
    "api-situation-figures": None,
    "reports:report_list": "summary_report",
    "api-report-list": "summary_report",
}
# Pages for the registry's keepers (the licensing department, the standing office,
# administrators): 200 for them, 403 for everyone else.
KEEPER_PAGES: dict[str, set[str]] = {
    "controlled:organisation_create": {"congthuong", "thuongtruc", "quantri"},
}
# Administration: URL name -> the kind of object its <pk> names (None: no object).
# A page without an object is for administrators (403 for others; leaders reach
# the clearance requests); an object an administrator does not answer for is 404.
ADMIN_URLS: dict[str, str | None] = {
    "org:admin_index": None,
    "org:admin_agency_list": None,
    "org:admin_agency_create": None,
    "org:admin_user_list": None,
    "org:admin_user_create": None,
    "org:admin_clearance_list": None,
    "org:admin_role_request_list": None,
    "org:admin_import": None,
    "org:admin_import_template": None,
    "org:admin_user_detail": "user",
    "org:admin_membership_grant": "user",
    "org:admin_user_edit": "user",
    "org:admin_user_clearance": "user",
    "org:admin_user_deactivate": "user",
    "org:admin_user_unlock": "user",
    "org:admin_user_reset_mfa": "user",
    "org:admin_membership_end": "membership",
    "org:admin_clearance_decide": "clearance",
    "org:admin_role_request_decide": "rolerequest",
    "api-rolerequest-detail": "rolerequest",
    "api-user-detail": "user",
    "api-membership-detail": "membership",
    "api-clearancerequest-detail": "clearance",
}
# POST-only actions (GET answers 405): tested in tests/org/test_administration_api.py.
POST_ONLY_URLS = {
    "api-user-deactivate", "api-user-unlock", "api-user-reset-second-factor",
    "api-user-clearance", "api-clearancerequest-approve", "api-clearancerequest-reject",
    "api-rolerequest-approve", "api-rolerequest-reject",  # tests/org/test_role_grants.py
    "api-movement-batch",  # tests/controlled/test_ledger.py
    # tests/work/obligations/test_submissions.py and test_obligations.py
    "api-reportobligation-open-period", "api-reportsubmission-submit",
    "api-reportsubmission-return", "api-reportsubmission-accept",
    "api-incomingdocument-import",  # committee in the body: tests/work/test_records_api.py
    "api-alert-import-cap",  # committee in the body or query: tests/situation/cap
    # A move's confirm page and its POST: the state is in the path (tests/situation/incidents).
    "situation:incident_move",
}  # fmt: skip
# No object, no scope: public or the user's own session.
UNSCOPED_URLS = {"healthz", "accounts:login", "accounts:logout", "api-schema", "api-docs",
                 "inbox:mark_all_read", "inbox:unread_count",
                 # The SMS gateway's replies: its shared secret, no user (tests/situation/alerts).
                 "api-alert-sms"}  # fmt: skip
# The user's own account: nothing of anyone else's is reachable (a token of another user is 404).
OWN_ACCOUNT_URLS = {
    "accounts:mfa_verify", "accounts:language", "accounts:account", "accounts:mfa_enrol",
    "accounts:recovery_codes", "accounts:password_change", "accounts:tokens",
    "accounts:token_revoke", "accounts:end_other_sessions",
    # One's own calendar feed; the feed itself answers its token only (tests/work/test_calendar.py).
    "work:calendar_feed_manage", "work:calendar_feed",
    # The alerts' Atom feed answers the same feed token (tests/situation/cap).
    "situation:alert_feed", "situation:alert_feed_manage",
}  # fmt: skip
# Verifying the chains: auditors only (403 for the standing office, 404 for the rest).
AUDITOR_ACTIONS = {"org:audit_verify"}


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_is_registered() -> None:
    registered = (
        set(DETAIL_URLS) | set(EXPORT_URLS) | set(WRITE_URLS) | set(LIST_URLS) | UNSCOPED_URLS
        | set(POST_URLS) | set(PARENT_LIST_URLS) | set(ROLE_URLS) | AUDITOR_ACTIONS
        | OWN_ACCOUNT_URLS | set(ADMIN_URLS) | POST_ONLY_URLS | set(KEEPER_PAGES)
        | set(NESTED_URLS) | REPORT_OUTPUT_URLS
    )  # fmt: skip
    assert _names(get_resolver()) - registered == set()


def _objects(case: int, case_object: Callable[[int], Any]) -> dict[str, Any]:
    """The objects that stand for one case, by kind."""
    if case in CONTACT_CASES:
        contact = case_object(case)
        objects = {"contact": contact, "attachment": _attachment_on(contact)}
        if case in DUTY_CASES:
            # A shift owned like the case's contact point: same agency, committee, level.
            objects["dutyshift"] = DutyShift.objects.filter(
                agency=contact.agency,
                owning_committee=contact.owning_committee,
                classification=contact.classification,
            ).first()
        if case == 8:
            objects |= _controlled_objects()
        objects |= _work_objects(case) | _site_objects(case)
        objects |= _incident_objects(case) | _alert_objects(case)
        objects |= _training_objects(case)
        objects |= _exercise_objects(case)
        objects |= _commendation_objects(case)
        return objects
    if case == 5:
        return _alert_objects(case) | _commendation_objects(case)
    if case == 9:
        b = Committee.objects.get(name__endswith="phường Móng Cái 1")
        post = Post.objects.filter(committee=b).first()
        return {
            "committee": b,
            "member": MemberAgency.objects.filter(committee=b).first(),
            "post": post,
            "holder": PostHolder.objects.filter(post__committee=b).first(),
        }
    if case == 13:
        return {"adminunit": AdminUnit.objects.get(code="06994")}
    if case == 4:
        document = IssuedDocument.objects.get(subject=CASE_4_SUBJECT)
        return {"task": Task.objects.get(document=document), "document": document} | (
            _training_objects(case) | _commendation_objects(case)
        )
    if case in REPORT_CASES:
        return _report_objects(case)
    if case == QUARRY_CASE:
        return _quarry_objects()
    if case == EXERCISE_CASE:
        return _exercise_objects(case)
    if case == SUMMARY_CASE:
        return _summary_objects()
    name = {10: "Công an tỉnh Quảng Ninh", 11: "Sở Công Thương"}[case]
    objects = {"agency": Agency.objects.get(name=name)}
    if case == 11:
        objects["item"] = Item.objects.order_by("pk").first()  # the catalogue: everyone reads it
    return objects


def _work_objects(case: int) -> dict[str, Any]:
    """The demo's plan and incoming letter of the province (case 3: addressed to no one)
    and its confidential meeting with the Border Guard (case 7)."""
    if case == 3:
        return {
            "plan": WorkPlan.objects.get(owning_committee__level="province", year=2026),
            "incoming": IncomingDocument.objects.get(notation="CV-BCĐ", number="125"),
        }
    if case == 7:
        return {"meeting": Meeting.objects.get(title="Họp đột xuất về bảo vệ mục tiêu biên giới")}
    return {}


def _alert_objects(case: int) -> dict[str, Any]:
    """The demo's alert to commune A's committee (case 5), its Mật one to the Border
    Guard (case 7): vigil/situation/alerts/demo.py."""
    from vigil.situation.alerts import demo
    from vigil.situation.alerts.models import Alert

    headline = {5: demo.CASE_5_HEADLINE, 7: demo.CASE_7_HEADLINE}.get(case)
    alert = Alert.objects.filter(headline=headline, msg_type="Alert").first() if headline else None
    return {"alert": alert} if alert is not None else {}


def _site_objects(case: int) -> dict[str, Any]:
    """The demo's key sites and plans that stand for the case (vigil/sites/demo.py)."""
    from vigil.sites import demo
    from vigil.sites.models import KeySite, Plan

    if case == 6:
        plan = Plan.objects.get(code_name=demo.CASE_6_PLAN)
        return {"cplan": plan, "cversion": plan.in_force}
    name = {1: demo.AIRPORT, 2: demo.MARKET, 3: demo.SEAPORT, 7: demo.BORDER_GATE,
            8: demo.COAL_MINE}.get(case)  # fmt: skip
    if name is None:
        return {}
    site = KeySite.objects.get(name=name)
    objects: dict[str, Any] = {"site": site, "risk": site.assessments.first()}
    plan_of_site = site.plans.exclude(code_name=demo.CASE_6_PLAN).order_by("code_name").first()
    if plan_of_site is not None and plan_of_site.classification == site.classification:
        objects["cplan"] = plan_of_site
        waiting = plan_of_site.versions.filter(status="submitted").first()
        if plan_of_site.in_force or waiting:  # a draft (the mine's) would be submitted: left out
            objects["cversion"] = plan_of_site.in_force or waiting
    return objects


def _incident_objects(case: int) -> dict[str, Any]:
    """The demo incidents that stand for the case (vigil/situation/incidents/demo.py):
    commune A's at the airport (1), commune B's Mật one at the market (2), the
    province's at the seaport (3), the Border Guard's Mật one at the border gate (7).
    None until the demo seed holds them."""
    from vigil.situation.incidents.demo import TITLES
    from vigil.situation.incidents.models import Incident

    key = {1: "airport", 2: "market", 3: "seaport", 7: "border"}.get(case)
    incident = Incident.objects.filter(title=TITLES[key]).first() if key else None
    if incident is None:
        return {}
    # The seaport's flash report (vigil/situation/demo.py) is seen by whoever sees it.
    report = incident.flash_reports.first()
    return {"incident": incident} | ({"flash_report": report} if report else {})


def _training_objects(case: int) -> dict[str, Any]:
    """The demo trainings that stand for the case (vigil/exercises/trainings/demo.py):
    commune A's (1), commune B's Mật one (2), the province's with Sở Công Thương in its
    audience (4)."""
    from vigil.exercises.trainings import demo
    from vigil.exercises.trainings.models import Training

    topic = {1: demo.COMMUNE_A_TRAINING, 2: demo.COMMUNE_B_TRAINING,
             4: demo.PROVINCE_TRAINING}.get(case)  # fmt: skip
    training = Training.objects.filter(topic=topic).first() if topic else None
    return {"training": training} if training is not None else {}


def _exercise_objects(case: int) -> dict[str, Any]:
    """The demo's exercises that stand for the case (vigil/exercises/drills/demo.py):
    commune A's airport drill (1), commune B's Mật market drill, planned (2), the
    province's seaport tabletop with DIT and the Border Guard taking part (20); their
    objectives, findings and corrective actions (vigil/exercises/evaluation/demo.py)."""
    from vigil.exercises.drills import demo
    from vigil.exercises.models import CorrectiveAction, Exercise

    name = {1: demo.AIRPORT_DRILL, 2: demo.MARKET_DRILL, 20: demo.SEAPORT_TABLETOP}.get(case)
    exercise = Exercise.objects.filter(name=name).first() if name else None
    if exercise is None:
        return {}
    objects = {"exercise": exercise, "objective": exercise.objectives.order_by("number").first(),
               "finding": exercise.findings.order_by("pk").first(),
               "caction": CorrectiveAction.objects.filter(exercise=exercise).order_by("pk").first()}  # fmt: skip
    return {kind: obj for kind, obj in objects.items() if obj is not None}


def _commendation_objects(case: int) -> dict[str, Any]:
    """The demo's commendation proposals (vigil/reports/commendations/demo.py): the
    individual's, owned by the province and addressed to no one (3); the decided Giấy
    khen to DIT (4); the Bằng khen proposed for commune A's committee (5)."""
    from vigil.reports.commendations import demo
    from vigil.reports.models import Commendation

    found = {
        3: Commendation.objects.filter(person_name=demo.PERSON_NAME),
        4: Commendation.objects.filter(decision_number=demo.DECISION_NUMBER),
        5: Commendation.objects.filter(recipient_committee__name__endswith="đặc khu Vân Đồn"),
    }.get(case)
    commendation = found.first() if found is not None else None
    return {"commendation": commendation} if commendation is not None else {}


def _controlled_objects() -> dict[str, Any]:
    """The demo mine's records: owned by the province, shared with DIT (case 8)."""
    store = Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")
    return {
        "store": store,
        "licence": Licence.objects.get(number="125/GP-SCT"),
        "balance": Balance.objects.filter(store=store).order_by("pk").first(),
        "movement": LedgerEntry.objects.filter(owning_agency=store.owning_agency_id).first(),
        "organisation": OrganisationProfile.objects.get(pk=store.owning_agency_id),
        "inspection": Inspection.objects.filter(store=store).first(),
        "transfer": Transfer.objects.filter(owning_agency=store.owning_agency_id).first(),
        "blast": Blast.objects.get(number=UNBALANCED_NUMBER),
        "count": StockCount.objects.filter(owning_agency=store.owning_agency_id).first(),
        "discrepancy": Discrepancy.objects.filter(owning_agency=store.owning_agency_id).first(),
    }


def _quarry_objects() -> dict[str, Any]:
    """The second licensed organisation's records (case 19)."""
    quarry = Agency.objects.get(name="Công ty TNHH Đá Demo Hoành Bồ")
    store = Store.objects.get(owning_agency=quarry)
    return {
        "store": store,
        "licence": Licence.objects.get(owning_agency=quarry),
        "balance": Balance.objects.filter(store=store).order_by("pk").first(),
        "movement": LedgerEntry.objects.filter(owning_agency=quarry).first(),
        "organisation": OrganisationProfile.objects.get(pk=quarry.pk),
        "inspection": Inspection.objects.filter(store=store).first(),
    }


def _report_objects(case: int) -> dict[str, Any]:
    """The demo's report obligations (vigil/work/obligations/demo.py)."""
    from vigil.work.obligations.demo import BORDER_TITLE, DEMO_TITLE
    from vigil.work.obligations.models import ReportObligation, ReportSubmission

    if case == 18:
        return {"report_obligation": ReportObligation.objects.get(title=BORDER_TITLE)}
    obligation = ReportObligation.objects.get(title=DEMO_TITLE)
    latest = obligation.periods.order_by("-starts_on").first()
    if case == 16:
        return {"report_obligation": obligation}
    if case == 17:
        return {"report_period": latest}
    unit = (
        {"agency__name": "Sở Công Thương"}
        if case == 14
        else {"committee__name__endswith": "đặc khu Vân Đồn"}
    )
    return {"report_submission": ReportSubmission.objects.get(period=latest, **unit)}


def _summary_objects() -> dict[str, Any]:
    """The demo's issued quarterly report of the province, Mật (vigil/reports/demo.py)."""
    from vigil.reports.summaries.models import SummaryReport

    return {"summary_report": SummaryReport.objects.get(
        kind="quarterly", state="issued", owning_committee__level="province")}  # fmt: skip


def _attachment_on(contact: ContactPoint) -> Attachment:
    upload = SimpleUploadedFile("biên bản.txt", "Nội dung thử\n".encode())
    return attachments.attach(contact, upload, actor=SystemActor("test"))


CELLS = [
    (case, i, username) for case in CASES for i, username in enumerate(PERSONA_NAMES)
]  # fmt: skip


@pytest.mark.parametrize(("case", "column", "username"), CELLS)
def test_detail_urls_follow_the_scope_cases(
    case: int,
    column: int,
    username: str,
    client_for: Callable[[str], Client],
    case_object: Callable[[int], Any],
) -> None:
    visible = CASES[case][column] == "Y"
    client = client_for(username)
    objects = _objects(case, case_object)
    checked = 0
    for url_name, kind in DETAIL_URLS.items():
        if kind in objects:
            response = client.get(reverse(url_name, kwargs={"pk": objects[kind].pk}))
            assert response.status_code == (200 if visible else 404), (url_name, kind)
            checked += 1
    for url_name, kind in EXPORT_URLS.items():
        if kind in objects:
            response = client.get(reverse(url_name, kwargs={"pk": objects[kind].pk}))
            refused = objects[kind].classification > 0
            expected = ((302, 403) if refused else (200,)) if visible else (404,)
            assert response.status_code in expected, (url_name, kind)
            checked += 1
    for url_name, (kind, arg) in WRITE_URLS.items():
        if kind in objects:
            response = client.get(reverse(url_name, kwargs={arg: objects[kind].pk}))
            if visible:
                assert response.status_code in (200, 403), url_name
            else:
                assert response.status_code == 404, url_name
            checked += 1
    for url_name, (kind, arg) in POST_URLS.items():
        if kind in objects:
            response = client.post(reverse(url_name, kwargs={arg: objects[kind].pk}))
            if visible:
                # 415: an API action that takes JSON only refuses this empty form body,
                # after its object was found (the not-visible case below stays a 404).
                assert response.status_code in (302, 400, 403, 415), url_name
            else:
                assert response.status_code == 404, url_name
            checked += 1
    for url_name, (kind, kwargs) in NESTED_URLS.items():
        if kind in objects:
            response = client.get(reverse(url_name, kwargs=kwargs(objects[kind])))
            assert response.status_code in ((200, 403) if visible else (404,)), url_name
            checked += 1
    for url_name, kind in PARENT_LIST_URLS.items():
        if kind in objects:
            parent = objects[kind]
            label = f"{parent._meta.app_label}.{parent._meta.model_name}"
            response = client.get(reverse(url_name), {"parent_type": label, "parent_id": parent.pk})
            assert response.status_code == (200 if visible else 404), url_name
            checked += 1
    assert checked


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_role_pages_answer_their_roles_only(
    username: str, client_for: Callable[[str], Client]
) -> None:
    client = client_for(username)
    for url_name, (kwargs, readers) in ROLE_URLS.items():
        response = client.get(reverse(url_name, kwargs=kwargs()))
        assert response.status_code == (200 if username in readers else 404), url_name
    response = client.post(reverse("org:audit_verify"))
    expected = {"kiemtoan": 302, "thuongtruc": 403, "xa_a": 403, "xa_b": 403}
    assert response.status_code == expected.get(username, 404)


@pytest.mark.parametrize(("case", "column", "username"), CELLS)
def test_lists_follow_the_scope_cases(
    case: int,
    column: int,
    username: str,
    client_for: Callable[[str], Client],
    case_object: Callable[[int], Any],
) -> None:
    visible = CASES[case][column] == "Y"
    client = client_for(username)
    objects = _objects(case, case_object)
    for url_name, kind in LIST_URLS.items():
        if kind is None or kind not in objects or not url_name.startswith("api-"):
            continue
        ids: set[int] = set()
        url: str | None = reverse(url_name) + "?page_size=500"
        while url:
            body = client.get(url).json()
            if body.get("type") == "FeatureCollection":  # the map's data: one page
                ids |= {feature["id"] for feature in body["features"]}
                break
            ids |= {row["id"] for row in body["results"]}
            url = body["next"]
        assert (objects[kind].pk in ids) is visible, url_name


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_keeper_pages_answer_the_keepers_only(
    username: str, client_for: Callable[[str], Client]
) -> None:
    client = client_for(username)
    for url_name, keepers in KEEPER_PAGES.items():
        expected = 200 if username in keepers else 403
        assert client.get(reverse(url_name)).status_code == expected, url_name


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_every_list_page_answers(username: str, client_for: Callable[[str], Client]) -> None:
    client = client_for(username)
    for url_name in LIST_URLS:
        if "detail" in url_name:
            continue
        assert client.get(reverse(url_name)).status_code == 200, url_name


def test_xa_a_token_finds_none_of_commune_b_objects(api_for: Callable[..., Client]) -> None:
    api = api_for("xa_a")
    b_contacts = ContactPoint.objects.filter(owning_committee__name__endswith="Móng Cái 1")
    assert b_contacts.count() >= 3
    for contact in b_contacts:
        response = api.get(reverse("api-contactpoint-detail", kwargs={"pk": contact.pk}))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    listed = {
        row["id"] for row in api.get("/api/v1/contact-points/?page_size=500").json()["results"]
    }
    assert listed.isdisjoint(set(b_contacts.values_list("pk", flat=True)))


def test_kho_mo_sees_only_their_organisation_and_its_licensers(
    api_for: Callable[..., Client],
) -> None:
    names = {row["name"] for row in api_for("kho_mo").get("/api/v1/agencies/").json()["results"]}
    assert names == {"Công ty Cổ phần Than Demo Cẩm Phả", "Sở Công Thương"}


def test_a_user_without_membership_sees_nothing(client: Client, db: None) -> None:
    from vigil.accounts.services import create_user
    from vigil.core.audit import SystemActor

    user = create_user(username="nomember", full_name="X", password=None, actor=SystemActor("test"))
    client.force_login(user)
    assert client.get(reverse("org:committee_tree")).status_code == 200
    for kind, obj in (
        ("agency", Agency.objects.first()),
        ("contact", ContactPoint.objects.first()),
    ):
        url_name = {"agency": "org:agency_detail", "contact": "org:contact_detail"}[kind]
        assert obj is not None
        assert client.get(reverse(url_name, kwargs={"pk": obj.pk})).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse("org:agency_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get("/api/v1/agencies/").status_code in (401, 403)


def test_filters_do_not_tell_an_unseen_id_from_a_missing_one(
    api_for: Callable[..., Client],
) -> None:
    api = api_for("xa_a")
    b = Committee.objects.get(name__endswith="phường Móng Cái 1")
    police_b = Agency.objects.get(name="Công an phường Móng Cái 1")
    for query in (f"owning_committee={b.pk}", "owning_committee=99999",
                  f"agency={police_b.pk}", "agency=99999"):  # fmt: skip
        response = api.get(f"/api/v1/contact-points/?{query}")
        assert response.status_code == 200, query
        assert response.json()["results"] == [], query


def test_a_licensed_organisation_sees_no_committee_names(
    client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
    case_object: Callable[[int], Any],
) -> None:
    province_name = "Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh"
    client = client_for("kho_mo")
    mine = Agency.objects.get(name="Công ty Cổ phần Than Demo Cẩm Phả")
    for url in [
        "/agencies/",
        f"/agencies/{mine.pk}/",
        f"/contacts/{case_object(8).pk}/",
        "/admin-units/",
    ]:
        body = client.get(url).content.decode()
        assert province_name not in body, url
        assert "Quảng Ninh</option>" not in body, url
    api = api_for("kho_mo")
    contact = api.get(f"/api/v1/contact-points/{case_object(8).pk}/").json()
    assert (contact["owning_committee"], contact["shared_committees"]) == (None, [])
    agencies = api.get("/api/v1/agencies/").json()["results"]
    assert {a["committee"] for a in agencies} == {None}


def test_an_unknown_api_path_answers_in_the_error_format(api_for: Callable[..., Client]) -> None:
    response = api_for("xa_a").get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_hidden_object_and_a_missing_one_answer_the_same_translated_404(
    api_for: Callable[..., Client],
) -> None:
    from vigil.work.models import IssuedDocument

    hidden = IssuedDocument.objects.filter(owning_committee__name__endswith="Móng Cái 1").first()
    assert hidden is not None
    api = api_for("xa_a")
    answers = [api.get(f"/api/v1/documents/{pk}/") for pk in (hidden.pk, 10**9)]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json()["error"]["message"] == "Không tìm thấy."


# Who answers for commune A's liaison xa_a: quantri (province administrator). Their
# clearance request is decided by lanhdao (province leader), seen by both.
ADMIN_SEES_XA_A = {"quantri"}
CLEARANCE_SEES = {"quantri", "lanhdao"}


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_administration_follows_the_administrators_tree(
    username: str, client_for: Callable[[str], Client]
) -> None:
    from vigil.accounts.models import User
    from vigil.org import services
    from vigil.org.models import ClearanceRequest, Membership, RoleRequest

    target = User.objects.get(username="xa_a")
    request = services.set_clearance(target, 1, actor=User.objects.get(username="quantri"))
    assert isinstance(request, ClearanceRequest)
    membership = Membership.objects.filter(user=target).first()
    assert membership is not None and membership.committee is not None
    # An auditor role for xa_a in commune A: it waits for a leader over commune A (lanhdao).
    role_request = services.grant_membership(
        target, agency=membership.agency, committee=membership.committee, role="auditor",
        valid_from=membership.valid_from, actor=User.objects.get(username="quantri"),
    )  # fmt: skip
    assert isinstance(role_request, RoleRequest)
    objects: dict[str, Any] = {
        "user": target,
        "membership": membership,
        "clearance": request,
        "rolerequest": role_request,
    }
    client = client_for(username)
    for url_name, kind in ADMIN_URLS.items():
        if kind is None:
            response = client.get(reverse(url_name))
            if username == "quantri":
                expected = {200}
            elif username == "lanhdao" and url_name in (
                "org:admin_index",
                "org:admin_clearance_list",
                "org:admin_role_request_list",
            ):
                expected = {200, 302}
            else:
                expected = {403}
        else:
            response = client.get(reverse(url_name, kwargs={"pk": objects[kind].pk}))
            sees = CLEARANCE_SEES if kind in ("clearance", "rolerequest") else ADMIN_SEES_XA_A
            expected = {200} if username in sees else {404}
        assert response.status_code in expected, (url_name, response.status_code)
