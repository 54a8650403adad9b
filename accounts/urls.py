from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import joining_views, password_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Joining by invitation (docs/people.md): the fixed paths before the token's.
    path("join/", joining_views.join_code, name="join_code"),
    path("join/set-password/", joining_views.join_set_password, name="join_set_password"),
    path("join/<str:token>/", joining_views.join, name="join"),
    # Passwords: change, and reset by e-mail or by a code sent by SMS.
    path("password/change/", password_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/", password_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("password/reset/", password_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", password_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/sms/", password_views.password_reset_sms, name="password_reset_sms"),
    path("password/reset/sms/code/", password_views.password_reset_sms_code, name="password_reset_sms_code"),
    path(
        "password/reset/complete/",
        password_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        password_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<id:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
