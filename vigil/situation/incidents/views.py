"""Pages of incidents: the list, an incident with its timeline, the report, edit,
move and update forms. Thin: scope, then services. What a user may not see is 404;
what they see but may not change, 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vigil.core.confirm import confirm_page
from vigil.core.pages import acting, audit_classified_view, refuse_oversized_upload, submit
from vigil.org.models import Committee
from vigil.org.scope import get_visible_or_404
from vigil.situation.alerts import services as alert_services
from vigil.situation.alerts.models import Alert
from vigil.situation.flash import queries as flash_queries
from vigil.situation.flash import services as flash_services
from vigil.situation.incidents import queries, services
from vigil.situation.incidents.forms import (
    IncidentFilterForm,
    IncidentForm,
    MoveForm,
    UpdateForm,
    incident_initial,
)
from vigil.situation.incidents.models import Incident, IncidentState

PAGE = 50


def _incident(request: HttpRequest, pk: int) -> Incident:
    incident: Incident = get_visible_or_404(
        Incident.objects.select_related(
            "owning_committee", "owning_agency", "reporting_agency", "site", "commune"
        ),
        request.user,
        pk=pk,
    )
    return incident


def _filters(request: HttpRequest) -> tuple[IncidentFilterForm, queries.IncidentFilters]:
    committees = Committee.objects.filter(
        pk__in=Incident.objects.visible_to(request.user).values("owning_committee_id")
    ).order_by("path")
    form = IncidentFilterForm(request.GET or None, committees=committees)
    if not form.is_valid():
        return form, queries.IncidentFilters()
    data = form.cleaned_data
    return form, queries.IncidentFilters(
        q=data["q"], state=data["state"], type=data["type"],
        committee=data["committee"].pk if data["committee"] else None,
        kind=data["kind"], open_only=data["open_only"],
    )  # fmt: skip


def incident_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    page = Paginator(queries.incidents_for(request.user, filters), PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form, "page": page,
        "can_report": services.reporting_committees(request.user).exists(),
        "page_stamp": audit_classified_view(request, list(page.object_list)),
    }  # fmt: skip
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "situation/incidents/list.html#results", context)
    return render(request, "situation/incidents/list.html", context)


def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    user = request.user
    rows = queries.timeline(incident, user)
    files = [f for row in rows for f in row.files]
    reports = list(flash_queries.reports_of(incident, user))
    alerts = list(Alert.objects.visible_to(user).filter(incidents=incident).order_by("-drafted_at"))
    context = {
        "incident": incident, "timeline": rows,
        "involved": incident.involved_agencies.order_by("name"),
        "moves": [(state, IncidentState(state).label) for state in services.moves_for(user, incident)],
        "can_change": services.may_change(user, incident),
        "can_update": services.may_add_update(user, incident),
        "can_flash": flash_services.offers_flash_report(user, incident),
        "can_alert": alert_services.may_draft(user, incident.owning_committee),
        "reports": reports, "alerts": alerts,
        "update_form": UpdateForm(),
        "page_stamp": audit_classified_view(
            request, [incident, *files, *reports, *alerts], about=incident
        ),
    }  # fmt: skip
    return render(request, "situation/incidents/detail.html", context)


@require_http_methods(["GET", "POST"])
def incident_report(request: HttpRequest) -> HttpResponse:
    user = acting(request)
    committees = services.reporting_committees(user)
    if not committees.exists():
        raise Http404  # a page for those who may report
    # The agencies offered are those of the committee chosen (the first one at first).
    chosen = request.POST.get("committee") or request.GET.get("committee") or ""
    committee = committees.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    committee = committee or committees.first()
    assert committee is not None
    agencies = services.reporting_agencies(user, committee)
    form = IncidentForm(request.POST or None, user=user, committees=committees,
                        agencies=agencies.order_by("name"))  # fmt: skip

    def report(data: dict[str, Any]) -> Incident:
        values = dict(data)
        return services.report_incident(values.pop("committee"), actor=user, **values)

    done = submit(request, form, report, success=_("Incident reported."),
                  refusals=(PermissionDenied,))  # fmt: skip
    if done is not None:
        return done
    return render(request, "situation/incidents/form.html",
                  {"form": form, "title": _("Report an incident"),
                   "back": reverse("situation:incident_list")})  # fmt: skip


@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    user = acting(request)
    if not services.may_change(user, incident):
        raise PermissionDenied
    form = IncidentForm(request.POST or None, initial=incident_initial(incident), user=user,
                        committees=None)  # fmt: skip
    done = submit(request, form,
                  lambda data: services.change_incident(incident, actor=user, **data),
                  success=_("Incident saved."))  # fmt: skip
    if done is not None:
        return done
    return render(request, "situation/incidents/form.html", {
        "form": form, "title": incident.title, "back": incident.get_absolute_url(),
        "incident": incident,
        "page_stamp": audit_classified_view(request, [incident], about=incident),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def incident_move(request: HttpRequest, pk: int, state: str) -> HttpResponse:
    """A confirm page for one move; its POST makes it (with an optional note)."""
    incident = _incident(request, pk)
    user = acting(request)
    if state not in IncidentState.values:
        raise Http404
    if not services.may_move(user, incident, state):
        raise PermissionDenied
    label = IncidentState(state).label
    if request.method == "POST":
        form = MoveForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            services.move(incident, state, actor=user, note=note)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The incident is now: %(state)s.") % {"state": label})
        return redirect(incident)
    return confirm_page(
        request, title=incident.title,
        question=_("Move this incident from %(from)s to %(to)s?")
        % {"from": incident.get_state_display(), "to": label},
        action=label, cancel_url=incident.get_absolute_url(),
        details=[(_("Type"), incident.get_type_display()),
                 (_("Committee"), incident.owning_committee.name),
                 (_("Classification"), incident.get_classification_display())],
        warning=_("This is an exercise (DIỄN TẬP).") if incident.is_exercise else "",
        shown=[incident], about=incident,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def incident_update(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    user = acting(request)
    if not services.may_add_update(user, incident):
        raise PermissionDenied
    form = UpdateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and refuse_oversized_upload(request, form, "file"):
        done = None
    else:
        done = submit(
            request, form,
            lambda data: services.add_update(
                incident, data["text"], actor=user, files=[data["file"]] if data["file"] else []
            ),
            success=_("Update added."), then=incident.get_absolute_url(),
        )  # fmt: skip
    if done is not None:
        return done
    return render(request, "situation/incidents/update.html", {
        "form": form, "incident": incident,
        "page_stamp": audit_classified_view(request, [incident], about=incident),
    }, status=400 if form.is_bound else 200)  # fmt: skip
