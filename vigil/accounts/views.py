from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from vigil.accounts import services


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        # A `next` back to this page would loop (Django answers that with a 500).
        url = super().get_redirect_url()
        return "" if url.split("?")[0] == self.request.path else url

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        services.sign_in(self.request, form.get_user())
        return HttpResponseRedirect(self.get_success_url())


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.sign_out(request)
    return HttpResponseRedirect(resolve_url("accounts:login"))
