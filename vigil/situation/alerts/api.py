"""REST API of alerts: list and draft, detail and change a draft, approve,
acknowledge (in Vigil or by code), update, cancel, the board; and the SMS
gateway's inbound replies. Thin: scope, then services."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.core import audit, clock, dates
from vigil.core.classification import Classification
from vigil.core.endpoints import Audited, BooleanFilter, Id, Scoped, Text, valid
from vigil.core.pages import acting
from vigil.core.parsers import JSONParser
from vigil.inbox.models import EscalationEvent
from vigil.org.models import Agency, Committee
from vigil.org.scope import get_visible_or_404
from vigil.situation.alerts import queries, rules, services
from vigil.situation.alerts.acknowledgement import TooManyTries
from vigil.situation.alerts.models import (
    AckMethod,
    Alert,
    AlertDelivery,
    AlertState,
    CapScope,
    CapStatus,
    MsgType,
)
from vigil.situation.terms import Certainty, Severity, Urgency


def _ids() -> serializers.ListField:
    return serializers.ListField(child=Id(), max_length=1000, required=False)


# --- serializers


class AlertSerializer(serializers.ModelSerializer[Alert]):
    cancelled = serializers.SerializerMethodField()
    recipients = serializers.IntegerField(read_only=True, source="recipient_count")
    acknowledged = serializers.IntegerField(read_only=True, source="acknowledged_count")
    to_acknowledge = serializers.SerializerMethodField()
    incidents = serializers.SerializerMethodField()
    sites = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id", "identifier", "sender", "state", "cap_status", "msg_type", "cap_scope",
            "references", "event", "event_code", "urgency", "severity", "certainty",
            "headline", "description", "instruction", "headline_en", "description_en",
            "instruction_en", "expires_at", "area_desc", "communes", "sites", "incidents",
            "addressed_agencies", "addressed_committees", "is_exercise", "raised_by_rule",
            "drafted_at", "approved_by_label", "sent_at", "ack_due_at", "classification",
            "owning_committee", "owning_agency", "cancelled", "recipients", "acknowledged",
            "to_acknowledge",
        ]  # fmt: skip
        read_only_fields = fields

    # Each read from what ``shown`` prefetched for the requester: no query per row.
    def get_cancelled(self, obj: Alert) -> bool:
        return bool(obj.cancelled)  # type: ignore[attr-defined]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_to_acknowledge(self, obj: Alert) -> list[int]:
        """The deliveries the requester may acknowledge (their agency's, not yet done)."""
        if obj.state != AlertState.ISSUED:
            return []
        return sorted({d.pk for d in obj.mine})  # type: ignore[attr-defined]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_incidents(self, obj: Alert) -> list[int]:
        """The linked incidents the requester sees; the others are not named."""
        return sorted({i.pk for i in obj.visible_incidents})  # type: ignore[attr-defined]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_sites(self, obj: Alert) -> list[int]:
        """The key sites of its area the requester sees; the others are not named."""
        return sorted({s.pk for s in obj.visible_sites})  # type: ignore[attr-defined]


class AlertFieldsSerializer(serializers.Serializer[Any]):
    """What a draft says; every field optional (a change names only what changes)."""

    event = Text(max_length=200, required=False)
    event_code = Text(max_length=40, required=False, allow_blank=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    certainty = serializers.ChoiceField(choices=Certainty.choices, required=False)
    headline = Text(max_length=300, required=False)
    description = Text(max_length=20000, required=False, allow_blank=True)
    instruction = Text(max_length=20000, required=False, allow_blank=True)
    headline_en = Text(max_length=300, required=False, allow_blank=True)
    description_en = Text(max_length=20000, required=False, allow_blank=True)
    instruction_en = Text(max_length=20000, required=False, allow_blank=True)
    expires_at = dates.ApiDateTimeField(required=False, allow_null=True)
    area_desc = Text(max_length=300, required=False, allow_blank=True)
    cap_status = serializers.ChoiceField(choices=CapStatus.choices, required=False)
    cap_scope = serializers.ChoiceField(choices=CapScope.choices, required=False)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    communes = _ids()
    sites = _ids()
    incidents = _ids()
    addressed_agencies = _ids()
    addressed_committees = _ids()


class AlertInSerializer(AlertFieldsSerializer):
    committee = Id()
    agency = Id(required=False, allow_null=True, default=None)
    event = Text(max_length=200)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    certainty = serializers.ChoiceField(choices=Certainty.choices)
    headline = Text(max_length=300)


class AcknowledgeSerializer(serializers.Serializer[Any]):
    delivery = Id(required=False, allow_null=True, default=None)
    note = Text(max_length=500, required=False, default="", allow_blank=True)


class CodeSerializer(serializers.Serializer[Any]):
    code = Text(max_length=20)
    note = Text(max_length=500, required=False, default="", allow_blank=True)


class CancelSerializer(serializers.Serializer[Any]):
    note = Text(max_length=5000, required=False, default="", allow_blank=True)


class DeliverySerializer(serializers.ModelSerializer[AlertDelivery]):
    """One recipient's row of the board."""

    recipient = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()
    delivered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    read_at = serializers.DateTimeField(read_only=True, allow_null=True)
    acknowledged_by_label = serializers.SerializerMethodField()
    recorded_by_label = serializers.SerializerMethodField()
    escalation_steps = serializers.IntegerField(read_only=True)
    seconds_to_acknowledge = serializers.SerializerMethodField()

    class Meta:
        model = AlertDelivery
        fields = [
            "id", "agency", "committee", "recipient", "state", "created_at", "delivered_at",
            "read_at", "ack_due_at", "acknowledged_at", "ack_method", "ack_note",
            "acknowledged_by_label", "recorded_by_label", "escalated_at", "escalation_steps",
            "seconds_to_acknowledge",
        ]  # fmt: skip
        read_only_fields = fields

    def get_recipient(self, obj: AlertDelivery) -> str:
        return str(obj)

    def get_state(self, obj: AlertDelivery) -> str:
        """acknowledged, escalated, read, delivered or sent (the worker has yet to fan it out)."""
        if obj.acknowledged_at:
            return "acknowledged"
        if obj.escalated_at:
            return "escalated"
        if getattr(obj, "read_at", None):
            return "read"
        return "delivered" if getattr(obj, "delivered_at", None) else "sent"

    def get_acknowledged_by_label(self, obj: AlertDelivery) -> str:
        return str(obj.acknowledged_by) if obj.acknowledged_by else ""

    def get_recorded_by_label(self, obj: AlertDelivery) -> str:
        return str(obj.recorded_by) if obj.recorded_by else ""

    def get_seconds_to_acknowledge(self, obj: AlertDelivery) -> int | None:
        if obj.acknowledged_at is None:
            return None
        return int((obj.acknowledged_at - obj.created_at).total_seconds())


def board_rows(alert: Alert) -> list[AlertDelivery]:
    """Each recipient of ``alert`` with when its inbox got it, when first read, and the
    escalation steps taken (the delivery's own ``first_read_at`` before the inbox's)."""
    steps = EscalationEvent.objects.filter(
        type=EscalationEvent.Type.STEP,
        case__about_type__model="alertdelivery",
        case__about_type__app_label="situation",
    )
    rows = (
        AlertDelivery.objects.filter(alert=alert)
        .select_related("agency", "committee", "acknowledged_by", "recorded_by", "notification")
        .order_by("pk")
    )
    counts = dict(
        steps.filter(case__about_id__in=[str(pk) for pk in rows.values_list("pk", flat=True)])
        .values_list("case__about_id")
        .annotate(n=Count("pk"))
        .values_list("case__about_id", "n")
    )
    result: list[AlertDelivery] = list(rows)
    inbox_read = queries.inbox_reads(result, timezone.localdate(clock.now()))
    for row in result:
        row.delivered_at = row.notification.delivered_at if row.notification else None  # type: ignore[attr-defined]
        row.read_at = row.first_read_at or inbox_read.get(row.pk)  # type: ignore[attr-defined]
        row.escalation_steps = counts.get(str(row.pk), 0)  # type: ignore[attr-defined]
    return result


class BoardSerializer(serializers.Serializer[Any]):
    alert = serializers.IntegerField()
    state = serializers.CharField()
    is_exercise = serializers.BooleanField()
    cancelled = serializers.BooleanField()
    sent_at = dates.ApiDateTimeField(allow_null=True)
    ack_due_at = dates.ApiDateTimeField(allow_null=True)
    recipients = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    rows = DeliverySerializer(many=True)


# --- alerts


class AlertFilter(filters.FilterSet):  # type: ignore[misc]
    state = filters.ChoiceFilter(choices=AlertState.choices)
    msg_type = filters.ChoiceFilter(choices=MsgType.choices)
    is_exercise = BooleanFilter()

    class Meta:
        model = Alert
        fields: list[str] = []


def shown(alerts: QuerySet[Alert], user: Any) -> QuerySet[Alert]:
    """Alerts with what ``AlertSerializer`` shows of them to ``user``, in a fixed number
    of queries however many rows."""
    from vigil.sites.models import KeySite
    from vigil.situation.incidents.models import Incident

    cancels = Alert.objects.filter(
        references=OuterRef("pk"), msg_type=MsgType.CANCEL, state=AlertState.ISSUED
    )
    mine = AlertDelivery.objects.filter(
        rules.acknowledgeable_by(user), acknowledged_at__isnull=True
    )
    return alerts.annotate(
        recipient_count=Count("deliveries", distinct=True),
        acknowledged_count=Count(
            "deliveries", filter=Q(deliveries__acknowledged_at__isnull=False), distinct=True
        ),
        cancelled=Exists(cancels),
    ).prefetch_related(
        "communes", "addressed_agencies", "addressed_committees",
        Prefetch("deliveries", queryset=mine, to_attr="mine"),
        Prefetch("incidents", queryset=Incident.objects.visible_to(user),
                 to_attr="visible_incidents"),
        Prefetch("sites", queryset=KeySite.objects.visible_to(user), to_attr="visible_sites"),
    )  # fmt: skip


class AlertList(Scoped, Audited, generics.ListCreateAPIView[Alert]):
    # JSON only: a blank date or number in a form body would be read as "not given".
    parser_classes = [JSONParser]
    model = Alert
    serializer_class = AlertSerializer
    filterset_class = AlertFilter

    def get_queryset(self) -> QuerySet[Alert]:
        return shown(super().get_queryset(), self.request.user).order_by("-drafted_at", "-pk")

    @extend_schema(request=AlertInSerializer, responses={201: AlertSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = valid(AlertInSerializer, request)
        user = acting(request)
        committee = get_visible_or_404(Committee.objects, user, pk=values.pop("committee"))
        agency_id = values.pop("agency")
        agency = committee.standing_agency
        if agency_id is not None:
            agency = get_visible_or_404(Agency.objects, user, pk=agency_id)
        alert = services.draft_alert(committee, actor=user, agency=agency, **values)
        return _shown(alert, request, status=201)


def _shown(alert: Alert, request: Request, status: int = 200) -> Response:
    row = shown(Alert.objects.filter(pk=alert.pk), request.user).get()
    return Response(AlertSerializer(row, context={"request": request}).data, status=status)


class AlertDetail(Scoped, Audited, generics.RetrieveAPIView[Alert]):
    parser_classes = [JSONParser]
    model = Alert
    serializer_class = AlertSerializer

    def get_queryset(self) -> QuerySet[Alert]:
        return shown(super().get_queryset(), self.request.user)

    @extend_schema(request=AlertFieldsSerializer, responses={200: AlertSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        alert = self.get_object()
        values = valid(AlertFieldsSerializer, request)
        return _shown(services.change_draft(alert, actor=acting(request), **values), request)


class _AlertAction(Scoped):
    # JSON only: a blank date or number in a form body would be read as "not given".
    parser_classes = [JSONParser]
    model = Alert
    serializer_class = AlertSerializer

    def get_queryset(self) -> QuerySet[Alert]:
        return super().get_queryset().select_related("owning_committee")


class AlertApprove(_AlertAction):
    @extend_schema(request=None, responses={200: AlertSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return _shown(services.approve(self.get_object(), actor=acting(request)), request)


class AlertAcknowledge(_AlertAction):
    @extend_schema(request=AcknowledgeSerializer, responses={200: DeliverySerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Acknowledge for your agency (name the delivery when you may answer for several)."""
        alert = self.get_object()
        values = valid(AcknowledgeSerializer, request)
        user = acting(request)
        if values["delivery"] is not None:
            delivery = generics.get_object_or_404(alert.deliveries.all(), pk=values["delivery"])
        else:
            mine = services.deliveries_to_acknowledge(user, alert)
            if len(mine) > 1:
                raise exceptions.ValidationError(
                    {"delivery": [_("You answer for several recipients: name the delivery.")]}
                )
            if not mine:
                done = [d for d in alert.deliveries.all() if services.may_acknowledge(user, d)]
                if done and alert.state == AlertState.ISSUED:
                    delivery = done[0]  # the service says who acknowledged, and when
                else:
                    raise exceptions.PermissionDenied(
                        _("Your agency is not a recipient of this alert.")
                    )
            else:
                delivery = mine[0]
        services.acknowledge(delivery, actor=user, note=values["note"], method=AckMethod.API)
        return Response(DeliverySerializer(_board_row(delivery)).data)


def _board_row(delivery: AlertDelivery) -> AlertDelivery:
    return next(row for row in board_rows(delivery.alert) if row.pk == delivery.pk)


class AlertAcknowledgeByCode(_AlertAction):
    @extend_schema(request=CodeSerializer, responses={200: DeliverySerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The standing office records the code a recipient read out over the phone."""
        alert = self.get_object()
        values = valid(CodeSerializer, request)
        try:
            delivery = services.acknowledge_by_code(
                alert, values["code"], actor=acting(request), note=values["note"]
            )
        except TooManyTries as refused:
            raise exceptions.Throttled(detail=" ".join(refused.messages)) from None
        return Response(DeliverySerializer(_board_row(delivery)).data)


class AlertUpdate(_AlertAction):
    @extend_schema(request=AlertFieldsSerializer, responses={201: AlertSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A draft Update of this alert (its fields, changed by what you send)."""
        original = self.get_object()
        values = valid(AlertFieldsSerializer, request)
        update = services.draft_update(original, actor=acting(request), **values)
        return _shown(update, request, status=201)


class AlertCancel(_AlertAction):
    @extend_schema(request=CancelSerializer, responses={201: AlertSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A draft Cancel of this alert, approved like an alert."""
        original = self.get_object()
        values = valid(CancelSerializer, request)
        cancel = services.draft_cancel(original, actor=acting(request), note=values["note"])
        return _shown(cancel, request, status=201)


class AlertBoard(Scoped, generics.GenericAPIView[Alert]):
    model = Alert
    serializer_class = BoardSerializer

    @extend_schema(responses={200: BoardSerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Each recipient's state: sent, delivered, read, acknowledged, escalated, with times."""
        alert = self.get_object()
        audit.record_view(request.user, [alert], path=request.get_full_path())
        rows = board_rows(alert)
        body = {
            "alert": alert.pk,
            "state": alert.state,
            "is_exercise": alert.is_exercise,
            "cancelled": services.is_cancelled(alert),
            "sent_at": alert.sent_at,
            "ack_due_at": alert.ack_due_at,
            "recipients": len(rows),
            "acknowledged": sum(1 for r in rows if r.acknowledged_at),
            "rows": rows,
        }
        return Response(BoardSerializer(body).data)


# --- the SMS gateway's inbound replies


class SmsInSerializer(serializers.Serializer[Any]):
    sender = Text(max_length=40)
    text = Text(max_length=1000)


class SmsResultSerializer(serializers.Serializer[Any]):
    acknowledged = serializers.BooleanField()
    alert = serializers.IntegerField()
    recipient = serializers.CharField()


def _secret_matches(request: Request) -> bool:
    """The shared secret, compared in constant time; no secret set: nothing gets in."""
    expected = settings.VIGIL_SMS_INBOUND_SECRET
    given = request.headers.get("X-Vigil-SMS-Secret", "")
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


class SmsInbound(APIView):
    """For the SMS gateway only: a reply with an acknowledgement code. No user signs in;
    the gateway sends the shared secret ``VIGIL_SMS_INBOUND_SECRET`` in the
    ``X-Vigil-SMS-Secret`` header. The reply must come from one of the recipient
    agency's own numbers."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(request=SmsInSerializer, responses={200: SmsResultSerializer}, auth=[])
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not _secret_matches(request):
            raise exceptions.PermissionDenied(_("The SMS gateway is not recognised."))
        values = valid(SmsInSerializer, request)
        try:
            delivery = services.acknowledge_by_sms(values["sender"], values["text"])
        except TooManyTries as refused:
            raise exceptions.Throttled(detail=" ".join(refused.messages)) from None
        return Response(
            {"acknowledged": True, "alert": delivery.alert_id, "recipient": str(delivery)}
        )
