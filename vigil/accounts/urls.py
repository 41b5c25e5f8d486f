from django.urls import path

from vigil.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("verify/", views.mfa_verify, name="mfa_verify"),
    path("language/", views.language, name="language"),
    path("me/", views.account, name="account"),
    path("me/authenticator/", views.mfa_enrol, name="mfa_enrol"),
    path("me/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("me/password/", views.password_change, name="password_change"),
    path("me/sessions/end-others/", views.end_other_sessions, name="end_other_sessions"),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
