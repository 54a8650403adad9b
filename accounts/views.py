from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.models import User
from accounts.selectors import home_dashboard


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required``: its user is one of ours, never anonymous."""

    user: User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
@require_safe
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    from opinions.selectors import leader_counts
    from workflows.selectors import task_inbox_counts

    return render(
        request,
        "accounts/home.html",
        {
            "dashboard": home_dashboard(user=request.user),
            "tasks": task_inbox_counts(user=request.user),
            "opinions": leader_counts(user=request.user),
        },
    )
