"""REST API of the period figures. Thin: the query's parameters, then
``queries.period_figures`` (through the scope rule)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.controlled.figures import exports
from vigil.controlled.figures.forms import LONGEST
from vigil.controlled.figures.oversight import oversight_figures
from vigil.controlled.figures.queries import GROUPS, period_figures
from vigil.controlled.ledger.models import LedgerEntry
from vigil.core import clock, dates
from vigil.core.endpoints import Id, Scoped
from vigil.org.figure_periods import committees_for


class FiguresQuery(serializers.Serializer[Any]):
    start = dates.ApiDateField(
        required=False, help_text="first day, YYYY-MM-DD (Vietnam time); default 1 January"
    )
    end = dates.ApiDateField(required=False, help_text="last day, included; default today")
    organisation = Id(required=False)
    commune = Id(required=False, help_text="the stores' administrative unit")
    committee = Id(required=False, help_text="the stores of this committee and those below it")
    group = serializers.ChoiceField(choices=list(GROUPS), required=False, default="organisation")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Without dates: this year so far, the question asked most.
        today = clock.today()
        attrs.setdefault("end", today)
        attrs.setdefault("start", attrs["end"].replace(month=1, day=1))
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("The end date is before the start date.")})
        if (attrs["end"] - attrs["start"]).days > LONGEST:
            raise serializers.ValidationError({"end": _("Choose a period of at most ten years.")})
        return attrs


class ShownSerializer(serializers.Serializer[Any]):
    """Each figure in the unit people use (kg, m, cái)."""

    opening = serializers.CharField()
    received = serializers.CharField()
    transferred_in = serializers.CharField()
    transferred_out = serializers.CharField()
    used = serializers.CharField()
    destroyed = serializers.CharField()
    lost = serializers.CharField()
    at_face = serializers.CharField()
    closing = serializers.CharField()


class LineSerializer(serializers.Serializer[Any]):
    """One group's figures for one item, in stored units (g, pcs, cm)."""

    group = serializers.CharField()
    group_id = serializers.IntegerField(allow_null=True)
    group_name = serializers.CharField()
    item_id = serializers.IntegerField()
    item_code = serializers.CharField()
    item_name = serializers.CharField()
    item_class = serializers.CharField()
    unit = serializers.CharField()
    opening = serializers.IntegerField()
    received = serializers.IntegerField()
    transferred_in = serializers.IntegerField()
    transferred_out = serializers.IntegerField()
    used = serializers.IntegerField()
    destroyed = serializers.IntegerField()
    lost = serializers.IntegerField()
    at_face = serializers.IntegerField()
    closing = serializers.IntegerField()
    shown = ShownSerializer()


class OversightSerializer(serializers.Serializer[Any]):
    """Inspections held and discrepancies found, resolved and open in the period."""

    inspections = serializers.IntegerField()
    inspections_with_deficiencies = serializers.IntegerField()
    discrepancies_found = serializers.IntegerField()
    discrepancies_resolved = serializers.IntegerField()
    discrepancies_open = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer[Any]):
    start = dates.ApiDateField()
    end = dates.ApiDateField()
    group = serializers.CharField()
    classification = serializers.IntegerField()
    totals = LineSerializer(many=True, help_text="the province's figures per item")
    lines = LineSerializer(many=True, help_text="per group and item")
    oversight = OversightSerializer()


class LedgerFigures(Scoped):
    """Received, transferred, used, destroyed, lost and closing stock in a period, from
    the ledger you may see: opening + received + transferred_in − transferred_out −
    used − destroyed − lost − at_face = closing, for every line."""

    model = LedgerEntry
    serializer_class = FiguresSerializer
    pagination_class = None

    @extend_schema(parameters=[FiguresQuery], responses={200: FiguresSerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = FiguresQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        values = dict(query.validated_data)
        committee = None
        if values.get("committee") is not None:
            committee = committees_for(request.user).filter(pk=values["committee"]).first()
            if committee is None:
                raise serializers.ValidationError(
                    {"committee": _("Choose a committee you may see.")}
                )
        filters = {"organisation": values.get("organisation"),
                   "admin_unit": values.get("commune"), "committee": committee}  # fmt: skip
        figures = period_figures(request.user, start=values["start"], end=values["end"],
                                 **filters)  # fmt: skip
        oversight = oversight_figures(request.user, start=values["start"], end=values["end"],
                                      **filters)  # fmt: skip
        # The response shows both: as classified as the most classified of them.
        level = max(figures.classification, oversight.classification)
        exports.record_view(request.user, level, path=request.get_full_path(),
                            committee_id=committee.pk if committee else None)  # fmt: skip
        group = values.get("group") or "organisation"
        data = {
            "start": figures.start, "end": figures.end, "group": group,
            "classification": level,
            "totals": [line.as_dict() for line in figures.by_item],
            "lines": [line.as_dict() for line in figures.lines(group)],
            "oversight": asdict(oversight),
        }  # fmt: skip
        return Response(FiguresSerializer(data).data)
