"""Sign-in (password, then second factor), the user's own account, tokens and language."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from vigil.accounts import mfa, services
from vigil.accounts.forms import (
    CheckedPasswordChangeForm,
    CodeForm,
    EnrolForm,
    SignInForm,
    TokenForm,
)
from vigil.accounts.lockout import client_ip, locked_out_response
from vigil.accounts.models import ApiToken, UserSession
from vigil.core.confirm import confirm_page
from vigil.core.pages import acting

ENROL_KEY = "vigil_totp_key"


def _safe_next(request: HttpRequest, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or resolve_url(settings.LOGIN_REDIRECT_URL)


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        # A `next` back to this page would loop (Django answers that with a 500).
        url = super().get_redirect_url()
        return "" if url.split("?")[0] == self.request.path else url

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        services.sign_in(self.request, form.get_user())
        pending = self.request.session.get(mfa.PENDING_KEY)
        if pending:
            step = "accounts:mfa_verify" if pending == mfa.VERIFY else "accounts:mfa_enrol"
            query = urlencode({"next": self.get_redirect_url()}) if self.get_redirect_url() else ""
            return HttpResponseRedirect(reverse(step) + (f"?{query}" if query else ""))
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        request: Any = self.request
        # The failure that reached the limit locks the account: that moment is audited.
        if getattr(request, "axes_locked_out", False) and (
            getattr(request, "axes_failures_since_start", None) == settings.AXES_FAILURE_LIMIT
        ):
            services.record_lockout(
                str(request.POST.get("username", "")),
                ip_address=getattr(request, "axes_ip_address", None) or client_ip(request),
            )
        return super().form_invalid(form)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.sign_out(request)
    return HttpResponseRedirect(resolve_url("accounts:login"))


def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    if request.session.get(mfa.PENDING_KEY) != mfa.VERIFY:
        return redirect(_safe_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.verify_second_factor(request, form.cleaned_data["code"])
        if result.ok:
            return HttpResponseRedirect(_safe_next(request))
        if result.wait_seconds:
            form.add_error(
                "code",
                _("Too many wrong codes. Wait %(seconds)d seconds, then try again.")
                % {"seconds": result.wait_seconds},
            )
        else:
            form.add_error("code", _("That code is not right, or it was already used."))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _safe_next(request)})


def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: scan, type a code, keep the recovery codes."""
    user: Any = request.user
    pending = request.session.get(mfa.PENDING_KEY)
    if pending == mfa.VERIFY:
        return redirect("accounts:mfa_verify")
    if refused := _unverified_change(request):
        return refused
    key = request.session.get(ENROL_KEY) or default_key()
    request.session[ENROL_KEY] = key
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.enrol_authenticator(
                user, key=key, code=form.cleaned_data["code"], actor=user, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session.pop(ENROL_KEY, None)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "enrolled": True, "next": _safe_next(request)},
            )
    device = TOTPDevice(user=user, key=key)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": mfa.qr_svg(device.config_url),
        # In groups of four, as authenticator apps show keys typed in by hand.
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": pending == mfa.ENROL,
        "replacing": mfa.authenticator(user) is not None,
        "next": _safe_next(request),
    }
    return render(request, "accounts/mfa_enrol.html", context)


def _unverified_change(request: HttpRequest) -> HttpResponse | None:
    """Replacing a second factor takes a session that gave the current one."""
    user: Any = request.user
    if mfa.authenticator(user) is not None and not user.is_verified():
        messages.error(
            request,
            _("Sign out and sign in again with your code to change your second factor."),
        )
        return redirect("accounts:account")
    return None


@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if refused := _unverified_change(request):
        return refused
    try:
        codes = services.regenerate_recovery_codes(user, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:account")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "enrolled": False})


def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    recovery = mfa.recovery_device(user)
    context = {
        "authenticator": mfa.authenticator(user),
        "codes_left": recovery.token_set.count() if recovery else 0,
        "mfa_required": mfa.requires_second_factor(user),
        "token_count": ApiToken.objects.filter(user=user, revoked_at__isnull=True).count(),
        "sessions": UserSession.objects.filter(user=user).order_by("-started_at"),
        "current_session": request.session.session_key,
    }
    return render(request, "accounts/account.html", context)


@require_POST
def end_other_sessions(request: HttpRequest) -> HttpResponse:
    ended = services.sign_out_other_sessions(request)
    messages.success(request, _("%(count)d other session(s) ended.") % {"count": ended})
    return redirect("accounts:account")


def password_change(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = CheckedPasswordChangeForm(user, request, request.POST or None)
    valid = request.method == "POST" and form.is_valid()
    if getattr(request, "axes_locked_out", False):
        # Guessing the old password here is guessing it at the sign-in: the
        # lockout that trips ends this session too.
        if getattr(request, "axes_failures_since_start", None) == settings.AXES_FAILURE_LIMIT:
            services.record_lockout(
                user.get_username(),
                ip_address=getattr(request, "axes_ip_address", None) or client_ip(request),
            )
        services.sign_out(request)
        return locked_out_response(request, credentials={"username": user.get_username()})
    if valid:
        ended = services.change_password(
            user, password=form.cleaned_data["new_password1"], request=request
        )
        messages.success(
            request,
            _("Your password is changed. %(count)d other session(s) ended.") % {"count": ended},
        )
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


def tokens(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens; a new token's secret is shown once, here."""
    user: Any = request.user
    form = TokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.create_token(
                user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
                actor=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = TokenForm()
    rows = ApiToken.objects.filter(user=user).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"form": form, "tokens": rows, "secret": secret})


@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if request.method == "GET":
        return confirm_page(
            request,
            title=_("Revoke the token “%(name)s”?") % {"name": token.name},
            question=_("A script that signs in with this token is refused from now on."),
            details=[(_("Name"), token.name), (_("Scope"), token.get_scope_display())],
            warning=_("This cannot be undone: a revoked token is never valid again."),
            action=_("Revoke the token"),
            cancel_url=reverse("accounts:tokens"),
        )
    services.revoke_token(token, actor=acting(request))
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


@login_not_required
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch between Vietnamese and English: saved on the user, and in a cookie for the login page."""
    chosen = request.POST.get("language", "")
    user: Any = request.user
    try:
        if user.is_authenticated:
            services.set_language(user, language=chosen, actor=user)
        elif chosen not in {code for code, _name in settings.LANGUAGES}:
            raise ValidationError(_("Choose Vietnamese or English."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_safe_next(request))
    response = HttpResponseRedirect(_safe_next(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        chosen,
        max_age=365 * 24 * 3600,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
