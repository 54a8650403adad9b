"""/accounts/2fa/...: two-factor sign-in (mounted in config/urls.py)."""

from django.urls import path

from mfa import views

app_name = "mfa"

urlpatterns = [
    path("", views.status, name="status"),
    path("enrol/", views.enrol, name="enrol"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("verify/", views.verify, name="verify"),
    path("staff/", views.staff, name="staff"),
    path("reset/<id:user_id>/", views.reset, name="reset"),
]
