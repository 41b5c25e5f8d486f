"""Work plans, issued documents, tasks and their timeline.

A document's points become tasks, one per agency (fan-out), each with its own
state. Tasks are about agencies' work, never about individuals.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.core.expressions import DaysBetween
from vigil.core.numbering import DocType
from vigil.org.scope import Owned, OwnedQuerySet
from vigil.work.obligations.models import (  # noqa: F401
    Indicator,
    NarrativeSection,
    ReportObligation,
    ReportPeriod,
    ReportSubmission,
    ReportTemplate,
)


class WorkAction(models.TextChoices):
    DOCUMENT_ISSUED = "work.document.issued", _("Document issued")
    TASK_ASSIGNED = "work.task.assigned", _("Task assigned")
    TASK_UPDATED = "work.task.updated", _("Task changed")
    TASK_ACKNOWLEDGED = "work.task.acknowledged", _("Task acknowledged")
    TASK_PROGRESS = "work.task.progress", _("Task progress reported")
    TASK_DONE = "work.task.done", _("Task reported done")
    TASK_ACCEPTED = "work.task.accepted", _("Task accepted")
    TASK_RETURNED = "work.task.returned", _("Task returned")
    TASK_CANCELLED = "work.task.cancelled", _("Task cancelled")
    MEETING_RECORDED = "work.meeting.recorded", _("Meeting recorded")
    PLAN_CREATED = "work.plan.created", _("Work plan created")
    INCOMING_REGISTERED = "work.incoming.registered", _("Incoming document registered")
    INCOMING_ASSIGNED = "work.incoming.assigned", _("Incoming document assigned for handling")
    INCOMING_POINTS_ADDED = "work.incoming.points_added", _("Points of an incoming document added")
    DOCUMENT_EXPORTED = "work.document.exported", _("Document exported as edXML")
    DOCUMENT_EXPORT_REFUSED = (
        "work.document.export_refused",
        _("Export of a classified document as edXML refused"),
    )
    FEED_CREATED = "work.calendar_feed.created", _("Private calendar feed created")
    FEED_REVOKED = "work.calendar_feed.revoked", _("Private calendar feed revoked")


# The type's name as printed on the document (Decree 30, Appendix III).
TYPE_NAMES: dict[str, str] = {
    DocType.NGHI_QUYET: "Nghị quyết",
    DocType.QUYET_DINH: "Quyết định",
    DocType.CHI_THI: "Chỉ thị",
    DocType.QUY_CHE: "Quy chế",
    DocType.THONG_BAO: "Thông báo",
    DocType.HUONG_DAN: "Hướng dẫn",
    DocType.CHUONG_TRINH: "Chương trình",
    DocType.KE_HOACH: "Kế hoạch",
    DocType.PHUONG_AN: "Phương án",
    DocType.BAO_CAO: "Báo cáo",
    DocType.BIEN_BAN: "Biên bản",
    DocType.TO_TRINH: "Tờ trình",
    DocType.CONG_DIEN: "Công điện",
    DocType.GIAY_MOI: "Giấy mời",
    DocType.CONG_VAN: "",  # a công văn prints no type name, its subject as "V/v …"
}


class SigningForm(models.TextChoices):
    """Box 7a of Decree 30: how the signer signs."""

    DIRECT = "", _("In own name")
    TM = "TM.", _("TM. (on behalf of the committee)")
    KT = "KT.", _("KT. (signing for the head)")
    Q = "Q.", _("Q. (acting)")
    TL = "TL.", _("TL. (by order)")


class Urgency(models.TextChoices):
    NORMAL = "", _("Normal")
    KHAN = "KHẨN", _("Urgent (Khẩn)")
    THUONG_KHAN = "THƯỢNG KHẨN", _("Very urgent (Thượng khẩn)")
    HOA_TOC = "HỎA TỐC", _("Immediate (Hỏa tốc)")


class IssuedDocument(Owned):
    """A document the committee issued: numbered in its register, signed, with points."""

    doc_type = models.CharField(_("document type"), max_length=5, choices=DocType.choices)
    number = models.PositiveIntegerField(_("number"))
    symbol = models.CharField(_("number and symbol"), max_length=60)
    external_number = models.BooleanField(_("number given on paper"), default=False)
    issue_date = models.DateField(_("date of issue"))
    place = models.CharField(_("place"), max_length=100)
    signing_post = models.ForeignKey(
        "org.Post",
        verbose_name=_("signing post"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The post the document is signed for, e.g. the head."),
    )
    signer = models.ForeignKey(
        "org.PostHolder", verbose_name=_("signer"), on_delete=models.PROTECT, related_name="+"
    )
    signing_form = models.CharField(
        _("signing form"), max_length=4, choices=SigningForm.choices, blank=True
    )
    subject = models.CharField(_("subject"), max_length=500)
    body = models.TextField(_("body"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, blank=True)
    recipients = models.ManyToManyField(
        "org.Agency", verbose_name=_("sent to"), blank=True, related_name="+"
    )
    # Of the recipients, those printed under "Kính gửi:" (Decree 30, box 9a); the
    # others are listed under "Nơi nhận:" only. Free-text lines cover organs
    # outside the directory.
    addressees = models.ManyToManyField(
        "org.Agency", verbose_name=_("addressed to (Kính gửi)"), blank=True, related_name="+"
    )
    addressees_other = models.TextField(
        _("other addressees"), blank=True, help_text=_("Outside the directory, one per line.")
    )
    recipients_other = models.TextField(
        _("other recipients"), blank=True, help_text=_("Outside the directory, one per line.")
    )
    drafting_unit = models.CharField(
        _("drafting unit"),
        max_length=20,
        blank=True,
        help_text=_(
            "Abbreviation of the unit that drafted it, e.g. VPTT: part of a công văn's "
            "number and of “Lưu: VT, VPTT.”"
        ),
    )
    authority = models.CharField(
        _("deciding authority"),
        max_length=300,
        blank=True,
        help_text=_("A decision's authority line; by default the signing post and the committee."),
    )
    legal_bases = models.TextField(
        _("legal bases"), blank=True, help_text=_("A decision's “Căn cứ …” lines, one per line.")
    )
    issued_at = models.DateTimeField(_("recorded at"))
    issued_by_label = models.CharField(_("recorded by"), max_length=200)

    objects = OwnedQuerySet.as_manager()
    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "recipients")

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issue_date", "-pk"]
        # No unique symbol: numbers start again each year ("01/CT-BCĐ" of 2026 and of
        # 2027); the committee's register (per type and year) gives each number once.

    def __str__(self) -> str:
        return f"{self.symbol} — {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("work:document_detail", args=[self.pk])

    @property
    def type_name(self) -> str:
        return TYPE_NAMES.get(self.doc_type, "")


class DocumentPoint(models.Model):
    """One numbered point of an issued document; each can become tasks."""

    document = models.ForeignKey(
        IssuedDocument, verbose_name=_("document"), on_delete=models.PROTECT, related_name="points"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("document point")
        verbose_name_plural = _("document points")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "order"],
                name="work_point_order_unique",
                violation_error_message=_("Two points of a document cannot have the same number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:80]}"


class WorkPlan(Owned):
    """A committee's plan for a year; its items become tasks."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    created_at = models.DateTimeField(_("created at"))
    # The plan as an issued kế hoạch (number, .docx, edXML), once issued.
    document = models.OneToOneField(
        IssuedDocument, verbose_name=_("issued as"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="plan_of",
    )  # fmt: skip

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owning_committee", "year"],
                name="work_plan_one_per_year",
                violation_error_message=_("This committee already has a work plan for this year."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("work:plan_detail", args=[self.pk])


class WorkPlanItem(models.Model):
    plan = models.ForeignKey(
        WorkPlan, verbose_name=_("work plan"), on_delete=models.PROTECT, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("work plan item")
        verbose_name_plural = _("work plan items")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="work_plan_item_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:80]}"


class Meeting(Owned):
    """A committee meeting: regular, extraordinary or by written consultation."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular meeting")
        EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")
        WRITTEN = "written", _("Written consultation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    venue = models.CharField(_("place"), max_length=300, blank=True)
    chair = models.ForeignKey(
        "org.PostHolder", verbose_name=_("chaired by"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    # The conclusions notice (thông báo kết luận), once issued.
    notice = models.OneToOneField(
        IssuedDocument, verbose_name=_("conclusions notice"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="notice_of",
    )  # fmt: skip
    agenda = models.TextField(_("agenda"), blank=True)
    invited = models.ManyToManyField(
        "org.Agency", verbose_name=_("invited agencies"), blank=True, related_name="+"
    )
    attending = models.ManyToManyField(
        "org.Agency", verbose_name=_("attending agencies"), blank=True, related_name="+"
    )
    conclusions = models.TextField(_("conclusions"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    objects = OwnedQuerySet.as_manager()
    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "invited")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("work:meeting_detail", args=[self.pk])


class ConclusionPoint(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="points"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("conclusion point")
        verbose_name_plural = _("conclusion points")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "order"], name="work_conclusion_order_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:80]}"


class IncomingDocument(Owned):
    """A document received (from the level above or a member), registered and handled."""

    issuer = models.ForeignKey(
        "org.Agency",
        verbose_name=_("issuer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issuer_name = models.CharField(_("issuer as named"), max_length=300)
    issuer_code = models.CharField(
        _("issuer's electronic identifier code"), max_length=40, blank=True
    )
    issuer_unknown = models.BooleanField(
        _("issuer not in the directory"),
        default=False,
        help_text=_("Kept as named in the document; an officer should check it."),
    )
    number = models.CharField(_("number"), max_length=20)
    notation = models.CharField(_("symbol"), max_length=60, blank=True)
    type_name = models.CharField(_("document type"), max_length=60, blank=True)
    doc_date = models.DateField(_("date of the document"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=500)
    content = models.TextField(_("content"), blank=True)
    signer_name = models.CharField(_("signer"), max_length=200, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    handler = models.ForeignKey(
        "org.Agency",
        verbose_name=_("assigned for handling to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("registered at"))
    registered_by_label = models.CharField(_("registered by"), max_length=200)
    from_edxml = models.BooleanField(_("imported from an edXML package"), default=False)
    # What the edXML header said, kept as sent (QCVN 102).
    document_id = models.CharField(_("document identifier"), max_length=200, blank=True)
    addressed_to = models.TextField(
        _("addressed to"), blank=True, help_text=_("The package's To organs, one per line.")
    )
    type_code = models.CharField(_("type code"), max_length=20, blank=True)
    type_detail = models.CharField(_("type detail"), max_length=20, blank=True)
    organization_in_charge = models.CharField(
        _("organisation in charge"), max_length=300, blank=True
    )
    not_addressed = models.BooleanField(
        _("not addressed to this committee"), default=False,
        help_text=_("The package names To organs and this committee is not among them."),
    )  # fmt: skip

    objects = OwnedQuerySet.as_manager()
    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "handler")

    class Meta:
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owning_committee", "document_id"],
                condition=~Q(document_id=""),
                name="work_incoming_document_id_once",
                violation_error_message=_("This document is already registered."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}/{self.notation} — {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("work:incoming_detail", args=[self.pk])

    @property
    def symbol(self) -> str:
        return f"{self.number}/{self.notation}" if self.notation else self.number


class IncomingPoint(models.Model):
    document = models.ForeignKey(
        IncomingDocument,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="points",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("incoming document point")
        verbose_name_plural = _("incoming document points")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "order"], name="work_incoming_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:80]}"


class TaskQuerySet(OwnedQuerySet["Task"]):
    def open(self) -> TaskQuerySet:
        return self.filter(state__in=Task.OPEN_STATES)


class Task(Owned):
    """What one agency must do by when: fanned out, one row per agency."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Reported done")
        ACCEPTED = "accepted", _("Accepted")
        CANCELLED = "cancelled", _("Cancelled")

    class Priority(models.IntegerChoices):
        LOW = 0, _("Low")
        NORMAL = 1, _("Normal")
        HIGH = 2, _("High")
        URGENT = 3, _("Urgent")

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead agency")
        SUPPORT = "support", _("Supporting agency")

    OPEN_STATES: ClassVar[tuple[str, ...]] = ("assigned", "acknowledged", "in_progress")
    FINISHED_STATES: ClassVar[tuple[str, ...]] = ("done", "accepted")

    document = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    point = models.ForeignKey(
        DocumentPoint,
        verbose_name=_("point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    plan_item = models.ForeignKey(
        WorkPlanItem,
        verbose_name=_("work plan item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    conclusion = models.ForeignKey(
        ConclusionPoint,
        verbose_name=_("meeting conclusion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    incoming_point = models.ForeignKey(
        IncomingPoint,
        verbose_name=_("point of an incoming document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    batch = models.UUIDField(_("assignment"), db_index=True, editable=False)
    assignee = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    assigned_on = models.DateField(_("assigned on"))
    deadline = models.DateField(_("deadline"))
    deadline_working_days = models.PositiveSmallIntegerField(
        _("deadline in working days"), null=True, blank=True
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.ASSIGNED
    )
    # Optimistic concurrency: every write is UPDATE … WHERE version = n.
    version = models.PositiveIntegerField(_("version"), default=1)
    done_on = models.DateField(_("reported done on"), null=True, blank=True)
    # Whole days from the deadline to ``done_on`` (negative: early), NULL until done.
    # Written with ``done_on`` and ``deadline`` (services._save), held to them by a
    # constraint: the scorecard counts from an index that holds it. (A generated column
    # would do, but SQLite does not read a generated column from a covering index.)
    days_late = models.IntegerField(_("days late"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    return_reason = models.TextField(_("reason last returned"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    objects = TaskQuerySet.as_manager()
    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "assignee")

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(
                fields=["assignee", "state", "deadline", "classification"],
                name="work_task_assignee_idx",
            ),
            # Covers the committee's lists and their counts (overdue: open, deadline past).
            models.Index(
                fields=["owning_committee", "state", "deadline", "classification"],
                name="work_task_committee_idx",
            ),
            models.Index(fields=["state", "deadline"], name="work_task_state_deadline_idx"),
            # Lists are ordered by deadline: with it the first page is read in order and
            # stops after 50 rows instead of sorting every visible task.
            models.Index(fields=["deadline", "id"], name="work_task_deadline_idx"),
            # The scorecard and the committee's lists read only this index (it covers
            # them), in its order, so grouping needs no sort.
            models.Index(
                fields=[
                    "owning_committee",
                    "assignee",
                    "state",
                    "days_late",
                    "deadline",
                    "classification",
                ],
                name="work_task_scorecard_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True, days_late__isnull=True)
                | Q(
                    done_on__isnull=False,
                    days_late__isnull=False,
                    days_late=DaysBetween("done_on", "deadline"),
                ),
                name="work_task_days_late_kept",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("assigned_on")),
                name="work_task_deadline_after_assignment",
                violation_error_message=_("The deadline cannot be before the date of issue."),
            ),
            models.UniqueConstraint(
                fields=["batch", "assignee"],
                name="work_task_one_per_agency",
                violation_error_message=_("This agency already has this task."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.assignee}"

    def get_absolute_url(self) -> str:
        return reverse("work:task_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class TaskEvent(models.Model):
    """One entry of a task's timeline, written with the change it records."""

    class Type(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        UPDATED = "updated", _("Changed")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        PROGRESS = "progress", _("Progress report")
        DONE = "done", _("Reported done")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")
        CANCELLED = "cancelled", _("Cancelled")

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="events"
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=200)
    on_behalf_of = models.CharField(
        _("on behalf of"),
        max_length=300,
        blank=True,
        help_text=_("An acting approver: the post they signed for, e.g. KT. Trưởng ban."),
    )
    state_after = models.CharField(_("state after"), max_length=20, choices=Task.State.choices)
    note = models.TextField(_("note"), blank=True)
    attachment_ids = models.JSONField(_("attachments"), default=list, blank=True)

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["task", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.get_type_display()}"


class CalendarFeed(models.Model):
    """A user's private iCalendar feed: the URL carries a random token, stored hashed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="calendar_feeds",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="work_one_live_feed_per_user",
                violation_error_message=_("This user already has a live calendar feed."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.created_at:%d/%m/%Y}"
