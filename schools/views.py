from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accounts.models import User
from core.http import AuthenticatedHttpRequest
from schools.models import Classroom, School
from schools.selectors import (
    classroom_list_for_user,
    pupil_search_for_user,
    school_list_for_user,
    special_group_choices,
    user_roles,
)

PUPILS_PER_PAGE = 50


class ClassroomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Classroom) -> str:
        return f"{obj.label} · {obj.school.name}"


class PupilFilterForm(forms.Form):
    """The pupil list's filters; choices are limited to what the user may read."""

    q = forms.CharField(label=_("Name or student number"), max_length=64, required=False)
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, empty_label=_("All schools")
    )
    classroom = ClassroomChoiceField(
        label=_("Class"), queryset=Classroom.objects.none(), required=False, empty_label=_("All classes")
    )
    group = forms.ChoiceField(label=_("Special group"), required=False)
    # A class teacher's list opens on their own classes; "all" widens it to every pupil they may read.
    scope = forms.ChoiceField(
        required=False, choices=[("", ""), ("mine", _("My classes")), ("all", _("Every pupil"))]
    )
    NARROWING = ("q", "school", "classroom", "group")

    def __init__(self, data: QueryDict, *, user: User) -> None:
        super().__init__(data)
        school_field = self.fields["school"]
        classroom_field = self.fields["classroom"]
        group_field = self.fields["group"]
        assert isinstance(school_field, forms.ModelChoiceField)
        assert isinstance(classroom_field, forms.ModelChoiceField)
        assert isinstance(group_field, forms.ChoiceField)
        school_field.queryset = school_list_for_user(user=user).order_by("code")
        classroom_field.queryset = classroom_list_for_user(user=user)
        group_field.choices = [("", _("All pupils")), *special_group_choices()]


@login_required
@require_safe
def pupil_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PupilFilterForm(request.GET, user=request.user)
    form.is_valid()  # an invalid filter is reported and left out; the valid ones still apply
    filters = form.cleaned_data
    school = filters.get("school")
    classroom = filters.get("classroom")
    led = user_roles(user=request.user).classrooms_led
    # A class teacher's list opens on their class (and filters within it: the form carries the
    # scope); "every pupil" widens it to what they may read, every pupil of their school. A
    # link with a filter and no scope (the home page's) filters everything they may read.
    scope = filters.get("scope") or ""
    narrowed = any(filters.get(name) for name in PupilFilterForm.NARROWING)
    mine = bool(led) and (scope == "mine" or (not scope and not narrowed))
    pupils = pupil_search_for_user(
        user=request.user,
        school_id=school.pk if school else None,
        classroom_id=classroom.pk if classroom else None,
        classroom_ids=[c.pk for c in led] if mine else None,
        group=filters.get("group") or None,
        query=filters.get("q") or "",
    )
    page = Paginator(pupils, PUPILS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "led": led, "mine": mine}
    return render(request, "schools/pupil_list.html", context)
