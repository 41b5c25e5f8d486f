"""Administration pages for people: user accounts, their roles and clearance, and the
requests that wait for a second person. A user the administrator does not answer
for (``administration.queries``) is not found.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.accounts.models import User
from vigil.core import clock
from vigil.core.pages import acting, submit
from vigil.org.administration import queries as admin_queries
from vigil.org.administration.forms import EndForm
from vigil.org.administration.views import GET_POST, form_page, require_admin
from vigil.org.models import ClearanceRequest, Membership, RoleRequest
from vigil.org.people import forms as f
from vigil.org.people import services
from vigil.org.people.queries import live_roles, role_requests_visible_to
from vigil.org.scope import Role

ROLE_WAITS = gettext_lazy(
    "This role needs a second person: the request waits for a committee leader's approval."
)


# --- users


def _user(request: HttpRequest, pk: int) -> User:
    user = admin_queries.users_administered_by(request.user).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def user_list(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    users = admin_queries.users_administered_by(request.user)
    page = Paginator(users.prefetch_related(live_roles()).order_by("username"), 50).get_page(
        request.GET.get("page")
    )
    locked = list(admin_queries.locked_out(users).order_by("username"))
    return render(request, "org/admin/user_list.html", {"page": page, "locked": locked})


def _role_forms(request: HttpRequest) -> dict[str, Any]:
    return {
        "committees": admin_queries.committees_administered(request.user),
        "agencies": admin_queries.agencies_administered(request.user),
    }


@GET_POST
def user_create(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    form = f.UserCreateForm(request.POST or None, **_role_forms(request))

    def created(result: tuple[User, ClearanceRequest | None]) -> str:
        user, pending = result
        messages.success(request, _("User %(name)s created.") % {"name": user.username})
        if pending is not None:
            messages.info(request, _("The clearance waits for a committee leader's approval."))
        if RoleRequest.objects.filter(user=user, status=RoleRequest.Status.PENDING).exists():
            # Until a leader approves it the account holds no role, so it is not yet
            # on the administrator's list: show where it waits.
            messages.info(request, ROLE_WAITS)
            return reverse("org:admin_role_request_list")
        return reverse("org:admin_user_detail", args=[user.pk])

    done = submit(
        request, form, lambda d: services.create_member_user(actor=acting(request), **d),
        success=None, then=created, refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    back = reverse("org:admin_user_list")
    return form_page(request, form, title=_("New user"), back=back)


def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, pk)
    roles = Membership.objects.filter(user=user).select_related("agency", "committee")
    return render(
        request,
        "org/admin/user_detail.html",
        {
            "subject": user,
            "roles": roles.order_by("-valid_from"),
            "today": clock.today(),
            "locked": admin_queries.locked_out(User.objects.filter(pk=user.pk)).exists(),
            "requests": ClearanceRequest.objects.filter(user=user).select_related(
                "requested_by", "decided_by"
            ),
            "administrable": set(
                admin_queries.memberships_administered_by(request.user)
                .filter(user=user)
                .values_list("pk", flat=True)
            ),
        },
    )


@GET_POST
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, pk)
    form = f.UserEditForm(
        request.POST or None, initial={"full_name": user.full_name, "email": user.email}
    )
    done = submit(
        request, form, lambda d: services.update_member_user(user, actor=acting(request), **d),
        success=_("User saved."), then=reverse("org:admin_user_detail", args=[user.pk]), refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    back = reverse("org:admin_user_detail", args=[user.pk])
    return form_page(request, form, title=_("Edit %(name)s") % {"name": user.username}, back=back)


@GET_POST
def membership_grant(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, pk)
    form = f.RoleFields(request.POST or None, **_role_forms(request))

    def granted(result: Any) -> str:
        if isinstance(result, RoleRequest):
            messages.info(request, ROLE_WAITS)
        else:
            messages.success(request, _("Role assigned."))
        return reverse("org:admin_user_detail", args=[user.pk])

    done = submit(
        request, form, lambda d: services.grant_membership(user, actor=acting(request), **d),
        success=None, then=granted, refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    back = reverse("org:admin_user_detail", args=[user.pk])
    title = _("Assign a role to %(name)s") % {"name": user}
    return form_page(request, form, title=title, back=back)


@GET_POST
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = (
        admin_queries.memberships_administered_by(request.user)
        .select_related("user", "agency", "committee")
        .filter(pk=pk)
        .first()
    )
    if membership is None:
        raise Http404
    form = EndForm(request.POST or None)
    done = submit(
        request, form, lambda d: services.end_membership(membership, on=d["on"], actor=acting(request)),
        success=_("Role ended."),
        then=reverse("org:admin_user_detail", args=[membership.user_id]), refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    back = reverse("org:admin_user_detail", args=[membership.user_id])
    title = _("End the role %(role)s of %(name)s") % {
        "role": membership.get_role_display(),
        "name": membership.user,
    }
    return form_page(request, form, title=title, back=back, button=_("End role"))


@GET_POST
def user_clearance(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, pk)
    form = f.ClearanceForm(request.POST or None, initial={"level": user.clearance})

    def filed(pending: ClearanceRequest | None) -> str:
        if pending is None:
            messages.success(request, _("Clearance changed."))
        else:
            messages.info(
                request,
                _("This clearance is above your own: the request waits for a committee leader."),
            )
        return reverse("org:admin_user_detail", args=[user.pk])

    done = submit(
        request, form,
        lambda d: services.set_clearance(user, d["level"], reason=d["reason"], actor=acting(request)),
        success=None, then=filed, refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    back = reverse("org:admin_user_detail", args=[user.pk])
    title = _("Clearance of %(name)s") % {"name": user}
    return form_page(request, form, title=title, back=back)


def _user_action(
    request: HttpRequest,
    pk: int,
    action: Callable[[User], Any],
    *,
    title: str,
    done: str,
    intro: str,
) -> HttpResponse:
    user = _user(request, pk)
    # A confirmation: a bound form without fields, valid on any POST.
    form = f.DecisionForm(request.POST if request.method == "POST" else None)
    del form.fields["note"]
    response = submit(
        request, form, lambda _d: action(user), success=done,
        then=reverse("org:admin_user_detail", args=[user.pk]), refusals=(PermissionDenied,),
    )  # fmt: skip
    if response is not None:
        return response
    back = reverse("org:admin_user_detail", args=[user.pk])
    return form_page(request, form, title=f"{title}: {user}", back=back, intro=intro, button=title)


@GET_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_action(
        request, pk, lambda u: services.deactivate_member(u, actor=acting(request)),
        title=_("Deactivate"), done=_("Account deactivated."),
        intro=_("The account can no longer sign in; its sessions end and its API tokens are revoked."),
    )  # fmt: skip


@GET_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_action(
        request, pk, lambda u: services.unlock_member(u, actor=acting(request)),
        title=_("Unlock"), done=_("Account unlocked."),
        intro=_("Lifts the lockout after failed sign-ins before its cool-off ends."),
    )  # fmt: skip


@GET_POST
def user_reset_mfa(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_action(
        request, pk, lambda u: services.reset_member_second_factor(u, actor=acting(request)),
        title=_("Reset second factor"), done=_("Second factor reset."),
        intro=_("Removes the authenticator and recovery codes; the user enrols again at sign-in."),
    )  # fmt: skip


# --- clearance requests


def _may_see_requests(request: HttpRequest) -> None:
    if not (
        admin_queries.is_administrator(request.user)
        or admin_queries.role_paths(request.user, Role.COMMITTEE_LEADER)
    ):
        raise PermissionDenied(_("This page is for administrators and committee leaders."))


def clearance_list(request: HttpRequest) -> HttpResponse:
    _may_see_requests(request)
    rows = admin_queries.clearance_requests_visible_to(request.user).select_related(
        "user", "requested_by", "decided_by"
    )
    if request.GET.get("status") in ClearanceRequest.Status.values:  # the home page's link
        rows = rows.filter(status=request.GET["status"])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    led = set(admin_queries.users_led_by(request.user).values_list("pk", flat=True))
    return render(request, "org/admin/clearance_list.html", {"page": page, "led": led})


@GET_POST
def clearance_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = (
        admin_queries.clearance_requests_visible_to(request.user)
        .select_related("user")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    form = f.DecisionForm(request.POST or None)
    decision = request.POST.get("decision")
    approve = decision == "approve"

    def decide(d: dict[str, Any]) -> None:
        if decision not in ("approve", "reject"):
            raise ValidationError(_("Choose to approve or to reject."))
        service = (
            services.approve_clearance_request if approve else services.reject_clearance_request
        )
        service(item, note=d["note"], actor=acting(request))

    done = submit(
        request, form, decide,
        success=_("Request approved.") if approve else _("Request rejected."),
        then="org:admin_clearance_list", refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    return render(request, "org/admin/clearance_decide.html", {"form": form, "item": item})


def role_request_list(request: HttpRequest) -> HttpResponse:
    _may_see_requests(request)
    rows = role_requests_visible_to(request.user).select_related(
        "user", "agency", "committee", "requested_by", "decided_by", "decided_in"
    )
    if request.GET.get("status") in RoleRequest.Status.values:  # the home page's link
        rows = rows.filter(status=request.GET["status"])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    leads = admin_queries.role_paths(request.user, Role.COMMITTEE_LEADER)
    # What this user may decide: pending, over their committee, neither theirs nor asked by them.
    deciding = {
        r.pk
        for r in page
        if r.status == RoleRequest.Status.PENDING
        and any(r.decided_in.path.startswith(path) for path in leads)
        and request.user.pk not in (r.user_id, r.requested_by_id)
    }
    return render(request, "org/admin/role_request_list.html", {"page": page, "deciding": deciding})


@GET_POST
def role_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = (
        role_requests_visible_to(request.user)
        .select_related("user", "agency", "committee", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    form = f.DecisionForm(request.POST or None)
    decision = request.POST.get("decision")
    approve = decision == "approve"

    def decide(d: dict[str, Any]) -> None:
        if decision not in ("approve", "reject"):
            raise ValidationError(_("Choose to approve or to reject."))
        service = services.approve_role_request if approve else services.reject_role_request
        service(item, note=d["note"], actor=acting(request))

    done = submit(
        request, form, decide,
        success=_("Request approved.") if approve else _("Request rejected."),
        then="org:admin_role_request_list", refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    return render(request, "org/admin/role_request_decide.html", {"form": form, "item": item})
