from __future__ import annotations

from django.urls import path

from citycarbon.server.common import views

app_name = "common"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
    path("account/", views.account, name="account"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
]
