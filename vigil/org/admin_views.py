"""Administration pages ("Quản trị"): an administrator manages their committee
and the committees below it. Thin: look up within the administrator's tree,
validate with a form, call the service, show its refusal on the form.

A user outside the tree is not found; a committee the administrator can see
but does not administer is forbidden (403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from vigil.accounts.models import User
from vigil.core import clock
from vigil.core.forms import add_form_errors
from vigil.org import admin_forms as f
from vigil.org import admin_scope, imports, services
from vigil.org.models import (
    Agency,
    ClearanceRequest,
    Committee,
    MemberAgency,
    Membership,
    Period,
    Post,
    PostHolder,
    RoleRequest,
)
from vigil.org.scope import get_visible_or_404, scope_for

ROLE_WAITS = gettext_lazy(
    "This role needs a second person: the request waits for a committee leader's approval."
)

GET_POST = require_http_methods(["GET", "POST"])


def _require_admin(request: HttpRequest) -> None:
    if not admin_scope.is_administrator(request.user):
        raise PermissionDenied(_("This page is for administrators."))


def _require_committee_admin(request: HttpRequest, committee: Committee) -> None:
    if not scope_for(request.user).committee_role_covers(committee.path, "administrator"):
        raise PermissionDenied(_("You do not administer this committee."))


def _submit(request: HttpRequest, form: Any, action: Callable[[dict[str, Any]], Any]) -> bool:
    """Run ``action`` on a valid POSTed form; a refusal lands on the form, nothing written."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        add_form_errors(form, exc)
        return False
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("You may not do this."))
        return False
    return True


def _form_page(
    request: HttpRequest, form: Any, *, title: str, back: str, intro: str = "", button: str = ""
) -> HttpResponse:
    return render(
        request,
        "org/admin/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "intro": intro,
            "button": button or _("Save"),
        },
    )


# --- overview and committees


def index(request: HttpRequest) -> HttpResponse:
    if not admin_scope.is_administrator(request.user):
        if admin_scope.role_paths(request.user, "committee_leader"):
            return redirect("org:admin_clearance_list")
        raise PermissionDenied(_("This page is for administrators."))
    committees = list(
        admin_scope.committees_administered(request.user).order_by("path").select_related("parent")
    )
    min_depth = min((c.path.count("/") for c in committees), default=0)
    for c in committees:
        c.depth = c.path.count("/") - min_depth  # type: ignore[attr-defined]
    pending = admin_scope.clearance_requests_visible_to(request.user).filter(
        status=ClearanceRequest.Status.PENDING
    )
    return render(
        request,
        "org/admin/index.html",
        {"committees": committees, "pending_count": pending.count()},
    )


def _committee(request: HttpRequest, pk: int) -> Committee:
    committee: Committee = get_visible_or_404(Committee.objects, request.user, pk=pk)
    _require_committee_admin(request, committee)
    return committee


def committee(request: HttpRequest, pk: int) -> HttpResponse:
    c = _committee(request, pk)
    holders = PostHolder.objects.order_by("-valid_from")
    posts = (
        Post.objects.filter(committee=c)
        .select_related("agency")
        .prefetch_related(Prefetch("holders", queryset=holders))
    )
    members = MemberAgency.objects.filter(committee=c).select_related("agency")
    return render(
        request,
        "org/admin/committee.html",
        {
            "committee": c,
            "posts": posts,
            "members": members.order_by("-valid_to", "agency__name"),
            "children": Committee.objects.filter(parent=c),
            "today": clock.today(),
        },
    )


@GET_POST
def committee_create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _committee(request, pk)
    form = f.CommitteeForm(request.POST or None, initial={"level": Committee.Level.COMMUNE})
    created: list[Committee] = []
    if _submit(
        request,
        form,
        lambda d: created.append(services.create_committee(parent=parent, actor=request.user, **d)),
    ):
        messages.success(request, _("Committee created."))
        return redirect("org:admin_committee", pk=created[0].pk)
    back = reverse("org:admin_committee", args=[parent.pk])
    title = _("New committee below %(parent)s") % {"parent": parent.name}
    return _form_page(request, form, title=title, back=back)


@GET_POST
def committee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    c = _committee(request, pk)
    initial = {
        "name": c.name,
        "short_name": c.short_name,
        "level": c.level,
        "standing_agency": c.standing_agency_id,
        "electronic_code": c.electronic_code,
    }
    form = f.CommitteeEditForm(request.POST or None, initial=initial, committee=c)
    if _submit(request, form, lambda d: services.update_committee(c, actor=request.user, **d)):
        messages.success(request, _("Committee saved."))
        return redirect("org:admin_committee", pk=c.pk)
    back = reverse("org:admin_committee", args=[c.pk])
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": c.name}, back=back)


@GET_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    c = _committee(request, pk)
    agencies = admin_scope.agencies_administered(request.user)
    form = f.MemberAgencyForm(request.POST or None, agencies=agencies)

    def add(d: dict[str, Any]) -> None:
        services.add_member_agency(c, d.pop("agency"), actor=request.user, **d)

    if _submit(request, form, add):
        messages.success(request, _("Member agency added."))
        return redirect("org:admin_committee", pk=c.pk)
    back = reverse("org:admin_committee", args=[c.pk])
    title = _("Add a member agency to %(name)s") % {"name": c.name}
    return _form_page(request, form, title=title, back=back)


@GET_POST
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    member: MemberAgency = get_visible_or_404(
        MemberAgency.objects.select_related("committee", "agency"), request.user, pk=pk
    )
    _require_committee_admin(request, member.committee)
    form = f.EndForm(request.POST or None)
    if _submit(
        request, form, lambda d: services.end_member_agency(member, on=d["on"], actor=request.user)
    ):
        messages.success(request, _("Membership ended."))
        return redirect("org:admin_committee", pk=member.committee_id)
    back = reverse("org:admin_committee", args=[member.committee_id])
    title = _("End the membership of %(agency)s") % {"agency": member.agency.name}
    return _form_page(request, form, title=title, back=back, button=_("End membership"))


@GET_POST
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    c = _committee(request, pk)
    form = f.PostForm(
        request.POST or None, agencies=admin_scope.agencies_administered(request.user)
    )
    if _submit(request, form, lambda d: services.create_post(c, actor=request.user, **d)):
        messages.success(request, _("Post created."))
        return redirect("org:admin_committee", pk=c.pk)
    back = reverse("org:admin_committee", args=[c.pk])
    return _form_page(request, form, title=_("New post in %(name)s") % {"name": c.name}, back=back)


@GET_POST
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post: Post = get_visible_or_404(Post.objects.select_related("committee"), request.user, pk=pk)
    _require_committee_admin(request, post.committee)
    initial = {
        "kind": post.kind,
        "title": post.title,
        "agency": post.agency_id,
        "order": post.order,
    }
    form = f.PostForm(
        request.POST or None,
        initial=initial,
        agencies=admin_scope.agencies_administered(request.user),
    )
    if _submit(request, form, lambda d: services.update_post(post, actor=request.user, **d)):
        messages.success(request, _("Post saved."))
        return redirect("org:admin_committee", pk=post.committee_id)
    back = reverse("org:admin_committee", args=[post.committee_id])
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": post.title}, back=back)


@GET_POST
def holder_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    post: Post = get_visible_or_404(Post.objects.select_related("committee"), request.user, pk=pk)
    _require_committee_admin(request, post.committee)
    form = f.HolderForm(request.POST or None)
    if _submit(request, form, lambda d: services.appoint_holder(post, actor=request.user, **d)):
        messages.success(request, _("Holder appointed."))
        return redirect("org:admin_committee", pk=post.committee_id)
    back = reverse("org:admin_committee", args=[post.committee_id])
    title = _("Appoint a holder: %(post)s") % {"post": post.title}
    return _form_page(request, form, title=title, back=back)


@GET_POST
def holder_end(request: HttpRequest, pk: int) -> HttpResponse:
    holder: PostHolder = get_visible_or_404(
        PostHolder.objects.select_related("post__committee"), request.user, pk=pk
    )
    _require_committee_admin(request, holder.post.committee)
    form = f.EndForm(request.POST or None)
    if _submit(
        request, form, lambda d: services.end_holder_term(holder, on=d["on"], actor=request.user)
    ):
        messages.success(request, _("Term ended."))
        return redirect("org:admin_committee", pk=holder.post.committee_id)
    back = reverse("org:admin_committee", args=[holder.post.committee_id])
    title = _("End the term of %(name)s") % {"name": holder.holder_name}
    return _form_page(request, form, title=title, back=back, button=_("End term"))


# --- agencies


def agency_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    agencies = admin_scope.agencies_administered(request.user).order_by("name")
    page = Paginator(agencies, 50).get_page(request.GET.get("page"))
    return render(request, "org/admin/agency_list.html", {"page": page})


@GET_POST
def agency_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = f.AgencyCreateForm(
        request.POST or None,
        committees=admin_scope.committees_administered(request.user),
        agencies=admin_scope.agencies_administered(request.user),
    )

    def create(d: dict[str, Any]) -> None:
        licenser = d.pop("licensed_by")
        services.create_agency(actor=request.user, licensed_by=[licenser] if licenser else [], **d)

    if _submit(request, form, create):
        messages.success(request, _("Agency created."))
        return redirect("org:admin_agency_list")
    back = reverse("org:admin_agency_list")
    return _form_page(request, form, title=_("New agency"), back=back)


@GET_POST
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    get_visible_or_404(Agency.objects, request.user, pk=pk)
    agency = admin_scope.agencies_administered(request.user).filter(pk=pk).first()
    if agency is None:
        raise PermissionDenied(_("You do not administer this agency."))
    initial = {name: getattr(agency, name) for name in f.AgencyForm.base_fields}
    form = f.AgencyForm(request.POST or None, initial=initial)
    if _submit(request, form, lambda d: services.update_agency(agency, actor=request.user, **d)):
        messages.success(request, _("Agency saved."))
        return redirect("org:admin_agency_list")
    back = reverse("org:admin_agency_list")
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": agency.name}, back=back)


# --- users


def _user(request: HttpRequest, pk: int) -> User:
    user = admin_scope.users_administered_by(request.user).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def _live_roles() -> Prefetch[Any]:
    live = Membership.objects.filter(Period.current_on(clock.today())).select_related(
        "agency", "committee"
    )
    return Prefetch("memberships", queryset=live, to_attr="live_roles")


def user_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    users = admin_scope.users_administered_by(request.user)
    page = Paginator(users.prefetch_related(_live_roles()).order_by("username"), 50).get_page(
        request.GET.get("page")
    )
    locked = list(admin_scope.locked_out(users).order_by("username"))
    return render(request, "org/admin/user_list.html", {"page": page, "locked": locked})


def _role_forms(request: HttpRequest) -> dict[str, Any]:
    return {
        "committees": admin_scope.committees_administered(request.user),
        "agencies": admin_scope.agencies_administered(request.user),
    }


@GET_POST
def user_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = f.UserCreateForm(request.POST or None, **_role_forms(request))
    created: list[tuple[User, ClearanceRequest | None]] = []
    if _submit(
        request,
        form,
        lambda d: created.append(services.create_member_user(actor=request.user, **d)),
    ):
        user, pending = created[0]
        messages.success(request, _("User %(name)s created.") % {"name": user.username})
        if pending is not None:
            messages.info(request, _("The clearance waits for a committee leader's approval."))
        if RoleRequest.objects.filter(user=user, status=RoleRequest.Status.PENDING).exists():
            # Until a leader approves it the account holds no role, so it is not yet
            # on the administrator's list: show where it waits.
            messages.info(request, ROLE_WAITS)
            return redirect("org:admin_role_request_list")
        return redirect("org:admin_user_detail", pk=user.pk)
    back = reverse("org:admin_user_list")
    return _form_page(request, form, title=_("New user"), back=back)


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
            "locked": admin_scope.locked_out(User.objects.filter(pk=user.pk)).exists(),
            "requests": ClearanceRequest.objects.filter(user=user).select_related(
                "requested_by", "decided_by"
            ),
            "administrable": set(
                admin_scope.memberships_administered_by(request.user)
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
    if _submit(request, form, lambda d: services.update_member_user(user, actor=request.user, **d)):
        messages.success(request, _("User saved."))
        return redirect("org:admin_user_detail", pk=user.pk)
    back = reverse("org:admin_user_detail", args=[user.pk])
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": user.username}, back=back)


@GET_POST
def membership_grant(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, pk)
    form = f.RoleFields(request.POST or None, **_role_forms(request))
    granted: list[Any] = []
    if _submit(
        request,
        form,
        lambda d: granted.append(services.grant_membership(user, actor=request.user, **d)),
    ):
        if isinstance(granted[0], RoleRequest):
            messages.info(request, ROLE_WAITS)
        else:
            messages.success(request, _("Role assigned."))
        return redirect("org:admin_user_detail", pk=user.pk)
    back = reverse("org:admin_user_detail", args=[user.pk])
    title = _("Assign a role to %(name)s") % {"name": user}
    return _form_page(request, form, title=title, back=back)


@GET_POST
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = (
        admin_scope.memberships_administered_by(request.user)
        .select_related("user", "agency", "committee")
        .filter(pk=pk)
        .first()
    )
    if membership is None:
        raise Http404
    form = f.EndForm(request.POST or None)
    if _submit(
        request, form, lambda d: services.end_membership(membership, on=d["on"], actor=request.user)
    ):
        messages.success(request, _("Role ended."))
        return redirect("org:admin_user_detail", pk=membership.user_id)
    back = reverse("org:admin_user_detail", args=[membership.user_id])
    title = _("End the role %(role)s of %(name)s") % {
        "role": membership.get_role_display(),
        "name": membership.user,
    }
    return _form_page(request, form, title=title, back=back, button=_("End role"))


@GET_POST
def user_clearance(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, pk)
    form = f.ClearanceForm(request.POST or None, initial={"level": user.clearance})
    filed: list[ClearanceRequest | None] = []
    if _submit(
        request,
        form,
        lambda d: filed.append(
            services.set_clearance(user, d["level"], reason=d["reason"], actor=request.user)
        ),
    ):
        if filed[0] is None:
            messages.success(request, _("Clearance changed."))
        else:
            messages.info(
                request,
                _("This clearance is above your own: the request waits for a committee leader."),
            )
        return redirect("org:admin_user_detail", pk=user.pk)
    back = reverse("org:admin_user_detail", args=[user.pk])
    title = _("Clearance of %(name)s") % {"name": user}
    return _form_page(request, form, title=title, back=back)


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
    if _submit(request, form, lambda _d: action(user)):
        messages.success(request, done)
        return redirect("org:admin_user_detail", pk=user.pk)
    back = reverse("org:admin_user_detail", args=[user.pk])
    return _form_page(request, form, title=f"{title}: {user}", back=back, intro=intro, button=title)


@GET_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_action(
        request, pk, lambda u: services.deactivate_member(u, actor=request.user),
        title=_("Deactivate"), done=_("Account deactivated."),
        intro=_("The account can no longer sign in; its sessions end and its API tokens are revoked."),
    )  # fmt: skip


@GET_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_action(
        request, pk, lambda u: services.unlock_member(u, actor=request.user),
        title=_("Unlock"), done=_("Account unlocked."),
        intro=_("Lifts the lockout after failed sign-ins before its cool-off ends."),
    )  # fmt: skip


@GET_POST
def user_reset_mfa(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_action(
        request, pk, lambda u: services.reset_member_second_factor(u, actor=request.user),
        title=_("Reset second factor"), done=_("Second factor reset."),
        intro=_("Removes the authenticator and recovery codes; the user enrols again at sign-in."),
    )  # fmt: skip


# --- clearance requests


def _may_see_requests(request: HttpRequest) -> None:
    if not (
        admin_scope.is_administrator(request.user)
        or admin_scope.role_paths(request.user, "committee_leader")
    ):
        raise PermissionDenied(_("This page is for administrators and committee leaders."))


def clearance_list(request: HttpRequest) -> HttpResponse:
    _may_see_requests(request)
    rows = admin_scope.clearance_requests_visible_to(request.user).select_related(
        "user", "requested_by", "decided_by"
    )
    if request.GET.get("status") in ClearanceRequest.Status.values:  # the home page's link
        rows = rows.filter(status=request.GET["status"])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    led = set(admin_scope.users_led_by(request.user).values_list("pk", flat=True))
    return render(request, "org/admin/clearance_list.html", {"page": page, "led": led})


@GET_POST
def clearance_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = (
        admin_scope.clearance_requests_visible_to(request.user)
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
        service(item, note=d["note"], actor=request.user)

    if _submit(request, form, decide):
        messages.success(request, _("Request approved.") if approve else _("Request rejected."))
        return redirect("org:admin_clearance_list")
    return render(request, "org/admin/clearance_decide.html", {"form": form, "item": item})


def role_request_list(request: HttpRequest) -> HttpResponse:
    _may_see_requests(request)
    rows = services.role_requests_visible_to(request.user).select_related(
        "user", "agency", "committee", "requested_by", "decided_by", "decided_in"
    )
    if request.GET.get("status") in RoleRequest.Status.values:  # the home page's link
        rows = rows.filter(status=request.GET["status"])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    leads = admin_scope.role_paths(request.user, "committee_leader")
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
        services.role_requests_visible_to(request.user)
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
        service(item, note=d["note"], actor=request.user)

    if _submit(request, form, decide):
        messages.success(request, _("Request approved.") if approve else _("Request rejected."))
        return redirect("org:admin_role_request_list")
    return render(request, "org/admin/role_request_decide.html", {"form": form, "item": item})


# --- bulk onboarding


def import_template(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    response = HttpResponse(imports.template_bytes(), content_type=imports.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="vigil-mau-nhap-lieu.xlsx"'
    return response


@GET_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = f.ImportForm(request.POST or None, request.FILES or None)
    report: imports.Report | None = None
    if request.method == "POST" and form.is_valid():
        try:
            report = imports.run_import(form.cleaned_data["file"], actor=request.user)
        except imports.ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            if report.ok:
                messages.success(
                    request, _("Import complete: %(n)s rows written.") % {"n": report.written}
                )
            else:
                messages.error(request, _("Nothing was written: correct the rows marked below."))
    return render(request, "org/admin/import.html", {"form": form, "report": report})
