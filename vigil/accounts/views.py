from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from vigil.accounts.models import AccountAction
from vigil.core import audit


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        # A `next` back to this page would loop (Django answers that with a 500).
        url = super().get_redirect_url()
        return "" if url.split("?")[0] == self.request.path else url

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record(AccountAction.SIGNED_IN, actor=form.get_user(), obj=form.get_user())
        return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    with transaction.atomic():
        audit.record(AccountAction.SIGNED_OUT, actor=user, obj=user)
        logout(request)
    return HttpResponseRedirect(resolve_url("accounts:login"))
