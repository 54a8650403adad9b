"""Six-ones pages (/sixones/...): thin views over sixones.selectors and .services.

NotFound → 404, Forbidden → the 403 page (core.middleware);
Invalid/Conflict → errors on the form (casework.forms.form_service_status).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from audit.services import AuditContext
from casework import access as case_access
from casework.models import Case, HomeVisit
from casework.selectors import case_list_for_user
from core.errors import Conflict, Forbidden, Invalid
from core.forms import form_service_status
from core.http import AuthenticatedHttpRequest
from drafts.keys import draft_key
from drafts.services import draft_discard
from reports.charts import bar_chart
from reports.suppression import Cell
from schools.models import Campaign, Pupil, School
from sixones import access, selectors, services
from sixones.checklist import ITEMS
from sixones.forms import ActForm, EssayForm, ExemplaryForm, MeetingForm
from sixones.models import VisitEssay

PER_PAGE = 25


def _context(request: AuthenticatedHttpRequest) -> AuditContext:
    return AuditContext.from_request(request)


def _require_writer(user: User) -> None:
    s = access.scope(user)
    if not s.member:
        if s.bureaus:
            raise Forbidden(_("Inspectors read the six ones; they do not record them."))
        raise Http404


def _writer_schools(user: User) -> QuerySet[School]:
    """The schools the user records six ones for (several only for staff of several schools)."""
    return School.objects.filter(pk__in=access.scope(user).member).order_by("name")


def _chosen_school(data: dict[str, Any]) -> int | None:
    school = data.get("school")
    return school.pk if school is not None else None


def _campaign(request: AuthenticatedHttpRequest) -> tuple[Campaign, list[Campaign]]:
    campaign, campaigns = selectors.campaign_pick(user=request.user, year=request.GET.get("year"))
    if campaign is None:
        raise Http404
    return campaign, campaigns


@login_required
@require_safe
def my_six_ones(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.scope(request.user).member:
        # Inspectors have no six ones of their own: their page is the city's completion.
        if access.scope(request.user).bureaus:
            return redirect("sixones:city")
        raise Http404
    campaign, campaigns = _campaign(request)
    checklist = selectors.checklist_for_teacher(teacher=request.user, campaign=campaign)
    s = access.scope(request.user)
    return render(
        request,
        "sixones/my.html",
        {
            "checklist": checklist,
            "campaigns": campaigns,
            "dashboard_codes": list(School.objects.filter(pk__in=s.dashboards).values_list("code", "name")),
            "writer_schools": list(_writer_schools(request.user)),
        },
    )


# --- essays --------------------------------------------------------------------------------------


def _my_visits(user: User) -> QuerySet[HomeVisit]:
    return (
        HomeVisit.objects.filter(
            recorded_by=user, visited_at__isnull=False, school_id__in=access.scope(user).member
        )
        .select_related("pupil")
        .order_by("-visited_at")[:50]
    )


@login_required
@require_http_methods(["GET", "POST"])
def essay_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_writer(request.user)
    visits = HomeVisit.objects.filter(pk__in=[v.pk for v in _my_visits(request.user)]).select_related("pupil")
    form = EssayForm(request.POST or None, visits=visits, schools=_writer_schools(request.user))
    status = 200
    if request.method == "POST":
        created: list[VisitEssay] = []

        def call(data: dict[str, Any]) -> object:
            created.append(
                services.essay_create(
                    user=request.user,
                    title=data["title"],
                    body=data["body"],
                    written_on=data["written_on"],
                    visit_id=data["visit"].pk if data.get("visit") else None,
                    school_id=_chosen_school(data),
                    context=_context(request),
                )
            )
            return created[0]

        result = form_service_status(form, call, invalid_status=400)
        if result is None:
            draft_discard(user=request.user, key=draft_key("essay"))
            messages.success(request, _("The essay is saved."))
            return redirect("sixones:essay_detail", pk=created[0].pk)
        status = result
    return render(request, "sixones/essay_form.html", {"form": form}, status=status)


@login_required
@require_safe
def essay_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    essay = selectors.essay_get_for_user(user=request.user, essay_id=pk)
    can_mark = essay.school_id in access.scope(request.user).led
    return render(request, "sixones/essay_detail.html", {"essay": essay, "can_mark": can_mark})


@login_required
@require_POST
def essay_exemplary(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    essay = selectors.essay_get_for_user(user=request.user, essay_id=pk)
    if essay.school_id not in access.scope(request.user).led:
        raise Forbidden(_("Only the school's principal or vice principals may do this."))
    form = ExemplaryForm(request.POST)
    form.is_valid()
    exemplary = bool(form.cleaned_data.get("exemplary"))
    services.essay_mark_exemplary(
        user=request.user, essay_id=pk, exemplary=exemplary, context=_context(request)
    )
    messages.success(
        request, _("The essay is marked exemplary.") if exemplary else _("The essay is no longer exemplary.")
    )
    return redirect("sixones:essay_detail", pk=pk)


@login_required
@require_safe
def essay_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Essays the user may see; ``?exemplary=1`` the exemplary ones only (inspectors see only those)."""
    essays = selectors.essay_list_for_user(user=request.user)
    exemplary = request.GET.get("exemplary") == "1"
    if exemplary:
        essays = essays.filter(exemplary=True)
    page = Paginator(essays.order_by("-written_on", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "sixones/essay_list.html", {"page": page, "exemplary": exemplary})


# --- parents' meetings ---------------------------------------------------------------------------


def _staff(user: User) -> QuerySet[User]:
    return (
        User.objects.filter(
            memberships__school_id__in=access.scope(user).member, memberships__is_active=True, is_active=True
        )
        .distinct()
        .order_by("full_name", "username")
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_writer(request.user)
    form = MeetingForm(
        request.POST or None,
        staff=_staff(request.user),
        schools=_writer_schools(request.user),
        initial={"organisers": [request.user]},
    )
    status = 200
    if request.method == "POST":
        created: list[object] = []

        def call(data: dict[str, Any]) -> object:
            created.append(
                services.meeting_record(
                    user=request.user,
                    held_on=data["held_on"],
                    topic=data["topic"],
                    organiser_ids=[u.pk for u in data["organisers"]],
                    attendees=data["attendees"],
                    attendee_count=data["attendee_count"],
                    minutes=data["minutes"],
                    school_id=_chosen_school(data),
                    context=_context(request),
                )
            )
            return created[0]

        result = form_service_status(form, call, invalid_status=400)
        if result is None:
            draft_discard(user=request.user, key=draft_key("meeting"))
            messages.success(request, _("The parents' meeting is recorded."))
            return redirect("sixones:meeting_detail", pk=created[0].pk)  # type: ignore[attr-defined]
        status = result
    return render(request, "sixones/meeting_form.html", {"form": form}, status=status)


@login_required
@require_safe
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=pk)
    return render(request, "sixones/meeting_detail.html", {"meeting": meeting})


# --- acts of help --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def act_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_writer(request.user)
    user = request.user
    # The cases the teacher works on, and the pupils of the classes they lead or pair with:
    # a short list on a phone. The API takes any pupil of the teacher's school.
    cases = (
        case_list_for_user(user=user)
        .filter(school_id__in=access.scope(user).member)
        .filter(owner=user)
        .select_related("pupil")
        .order_by("-id")
    )
    # One filter, not a UNION: SQLite refuses the ORDER BY that Pupil's default ordering adds.
    pupil_qs = (
        Pupil.objects.filter(school_id__in=access.scope(user).member, is_active=True)
        .filter(
            Q(classroom__class_teacher=user) | Q(pk__in=Case.objects.filter(owner=user).values("pupil_id"))
        )
        .order_by("name")
    )
    form = ActForm(request.POST or None, cases=cases, pupils=pupil_qs)
    status = 200
    if request.method == "POST":
        created: list[object] = []

        def call(data: dict[str, Any]) -> object:
            created.append(
                services.act_record(
                    user=user,
                    done_on=data["done_on"],
                    what=data["what"],
                    pupil_id=data["pupil"].pk if data.get("pupil") else None,
                    case_id=data["case"].pk if data.get("case") else None,
                    context=_context(request),
                )
            )
            return created[0]

        result = form_service_status(form, call, invalid_status=400)
        if result is None:
            messages.success(request, _("The act of help is recorded."))
            return redirect("sixones:act_detail", pk=created[0].pk)  # type: ignore[attr-defined]
        status = result
    return render(request, "sixones/act_form.html", {"form": form}, status=status)


@login_required
@require_safe
def act_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    act = selectors.act_get_for_user(user=request.user, act_id=pk)
    can_see_case = act.case is not None and bool(case_access.case_roles(act.case, request.user))
    return render(request, "sixones/act_detail.html", {"act": act, "can_see_case": can_see_case})


# --- the handbook --------------------------------------------------------------------------------


@login_required
@require_POST
def handbook_compile(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_writer(request.user)
    campaign, _campaigns = _campaign(request)
    wanted = request.POST.get("school", "")
    try:
        handbook = services.handbook_compile(
            user=request.user,
            campaign_id=campaign.pk,
            school_id=int(wanted) if wanted.isdecimal() and wanted.isascii() else None,
            context=_context(request),
        )
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Your handbook is compiled from %(count)d home visits.") % {"count": handbook.visit_count},
        )
    return redirect(f"{reverse('sixones:my')}?year={campaign.year}")


@login_required
@require_safe
@never_cache
def handbook_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    handbook = services.handbook_download(user=request.user, handbook_id=pk, context=_context(request))
    response = HttpResponse(bytes(handbook.pdf), content_type="application/pdf")
    name = re.sub(
        r"[^A-Za-z0-9_.-]", "_", f"handbook-{handbook.campaign.year}-{handbook.teacher.username}.pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- completion ----------------------------------------------------------------------------------


def _charts(completion: selectors.Completion, groups: list[selectors.Group], desc: str) -> list[object]:
    items = bar_chart(
        title=_("Share of teachers with each of the six ones"),
        desc=_("Percent of teachers who have the record, per item."),
        bars=[
            (str(label), Cell(completion.total.item_percent(key), f"{completion.total.item_percent(key)}%"))
            for key, label in ITEMS
        ],
        fixed_max=100,
    )
    by_group = bar_chart(
        title=_("Teachers with all six ones"),
        desc=desc,
        bars=[(g.label, Cell(g.percent, f"{g.percent}% ({g.complete}/{g.teachers})")) for g in groups],
        fixed_max=100,
    )
    return [items, by_group]


@login_required
@require_safe
def school_completion(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    school = selectors.completion_school_get_for_user(user=request.user, code=code)
    campaign, campaigns = _campaign(request)
    completion = selectors.school_completion(school=school, campaign=campaign)
    charts = _charts(completion, completion.classes, _("Percent of each class's teachers with all six ones."))
    return render(
        request,
        "sixones/completion.html",
        {"completion": completion, "campaigns": campaigns, "charts": charts, "items": ITEMS},
    )


@login_required
@require_safe
def city_completion(request: AuthenticatedHttpRequest) -> HttpResponse:
    bureau = selectors.completion_bureau_get_for_user(user=request.user)
    campaign, campaigns = _campaign(request)
    completion = selectors.city_completion(bureau=bureau, campaign=campaign)
    charts = _charts(
        completion, completion.schools, _("Percent of each school's teachers with all six ones.")
    )
    return render(
        request,
        "sixones/completion.html",
        {"completion": completion, "campaigns": campaigns, "charts": charts, "items": ITEMS},
    )
