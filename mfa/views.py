"""Two-factor sign-in pages (/accounts/2fa/...): the person's own status, enrolling an
authenticator app, recovery codes, the code page of the second login step; and, for principals
and vice principals, their staff's second factors with a reset each."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import AuditContext
from core.errors import Conflict, Forbidden
from core.forms import run_service
from core.http import AuthenticatedHttpRequest
from mfa.forms import CodeForm
from mfa.gate import session_forget_step, session_step
from mfa.selectors import (
    Step,
    mfa_status_for_user,
    recovery_codes_for_user,
    reset_school_get_for_user,
    reset_schools_for_user,
    staff_for_reset,
    staff_member_get,
)
from mfa.services import mfa_reset, mfa_verify, new_totp_key, recovery_codes_regenerate, totp_enrol

# The secret of an authenticator being set up, kept in the session until a code confirms it.
ENROL_KEY = "wanjia_mfa_enrol_key"
# Set when recovery codes have just been made: the next view of them shows them, once.
SHOW_CODES = "wanjia_mfa_show_codes"
QR_SCALE = 4  # pixels per module: about 230 px wide, room to spare on a phone


def _next_url(request: AuthenticatedHttpRequest) -> str:
    """Where to go afterwards: ``next`` when it is one of our pages, else the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _has_authenticator(request: AuthenticatedHttpRequest) -> bool:
    return TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()


def _signed_in_with(request: AuthenticatedHttpRequest, device: TOTPDevice | StaticDevice) -> None:
    """The session has passed its second factor: a new session key (the session just gained
    rights), and django-otp remembers the device."""
    request.session.cycle_key()
    django_otp.login(request, device)
    session_forget_step(request)


@login_required
@require_safe
def status(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "mfa/status.html", {"status": mfa_status_for_user(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A QR code and the secret for the app; one of the app's codes confirms it."""
    next_url = _next_url(request)
    if _has_authenticator(request):
        return redirect("mfa:status")
    key = request.session.get(ENROL_KEY)
    if not isinstance(key, str):
        key = new_totp_key()
        request.session[ENROL_KEY] = key
    form = CodeForm(request.POST or None, numeric=True)
    http_status = 200
    if request.method == "POST":
        device, http_status = run_service(
            form,
            lambda data: totp_enrol(
                user=request.user, key=key, code=data["otp"], context=AuditContext.from_request(request)
            ),
        )
        if device is not None:
            request.session.pop(ENROL_KEY, None)
            _signed_in_with(request, device)
            request.session[SHOW_CODES] = True
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect(_with_next("mfa:recovery_codes", next_url))
    unsaved = TOTPDevice(user=request.user, key=key)
    secret = base64.b32encode(unsaved.bin_key).decode()
    # Inline SVG (no script, no image URL): segno escapes what it writes; the URL is ours.
    qr = segno.make(unsaved.config_url, error="m").svg_inline(
        scale=QR_SCALE, dark="#000", light="#fff", title=_("QR code for the authenticator app")
    )
    return render(
        request,
        "mfa/enrol.html",
        {
            "form": form,
            "qr": mark_safe(qr),  # noqa: S308 - segno's own SVG of our own otpauth URL
            "secret": secret,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "next": next_url,
            "required": session_step(request) is Step.ENROL,
        },
        status=http_status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Fresh recovery codes are shown once, right after they are made; otherwise how many are
    left, and a button for new ones."""
    if request.method == "POST":
        try:
            recovery_codes_regenerate(user=request.user, context=AuditContext.from_request(request))
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("mfa:status")
        request.session[SHOW_CODES] = True
        messages.success(request, _("New recovery codes made: the old ones no longer work."))
        return redirect("mfa:recovery_codes")
    if not _has_authenticator(request):
        return redirect("mfa:status")
    show = bool(request.session.pop(SHOW_CODES, False))
    return render(
        request,
        "mfa/recovery_codes.html",
        {
            "codes": recovery_codes_for_user(user=request.user) if show else [],
            "status": mfa_status_for_user(user=request.user),
            "next": _next_url(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of logging in: a code from the app, or a recovery code."""
    next_url = _next_url(request)
    if session_step(request) is not Step.VERIFY:
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    http_status = 200
    if request.method == "POST":
        device, http_status = run_service(
            form,
            lambda data: mfa_verify(
                user=request.user, code=data["otp"], channel="web", context=AuditContext.from_request(request)
            ),
        )
        if device is not None:
            _signed_in_with(request, device)
            if isinstance(device, StaticDevice):
                left = mfa_status_for_user(user=request.user).recovery_codes_left
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)d left. Make new ones on the two-factor page.")
                    % {"left": left},
                )
            return redirect(next_url)
    return render(request, "mfa/verify.html", {"form": form, "next": next_url}, status=http_status)


def _school_id(request: AuthenticatedHttpRequest, default: int | None) -> int:
    raw = request.POST.get("school") or request.GET.get("school")
    if not raw:
        if default is None:
            raise Http404
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise Http404 from exc


def _first_school_id(request: AuthenticatedHttpRequest) -> int | None:
    first = reset_schools_for_user(user=request.user).order_by("name", "pk").first()
    return first.pk if first is not None else None


@login_required
@require_safe
def staff(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Principals and vice principals: their school's staff, whether each has a second factor,
    and a reset button beside each."""
    schools = list(reset_schools_for_user(user=request.user).order_by("name", "pk"))
    if not schools:
        raise Forbidden(_("Only a school's principal or a vice principal may reset second factors."))
    school = reset_school_get_for_user(user=request.user, school_id=_school_id(request, schools[0].pk))
    return render(
        request,
        "mfa/staff.html",
        {"school": school, "schools": schools, "people": list(staff_for_reset(school=school))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reset(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """Confirm, then reset one colleague's second factor."""
    school = reset_school_get_for_user(
        user=request.user, school_id=_school_id(request, _first_school_id(request))
    )
    person = staff_member_get(school=school, user_id=user_id)
    if request.method == "POST":
        mfa_reset(
            actor=request.user,
            user_id=person.pk,
            school_id=school.pk,
            context=AuditContext.from_request(request),
        )
        messages.success(
            request,
            _("The second factor of %(name)s was reset and all their sessions ended.")
            % {"name": person.get_full_name()},
        )
        return redirect(f"{reverse('mfa:staff')}?{urlencode({'school': school.pk})}")
    return render(request, "mfa/reset.html", {"school": school, "person": person})
