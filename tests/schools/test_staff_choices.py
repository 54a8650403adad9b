"""Pick-lists of staff show real names with the role, never login names nor "---------"."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from schools.forms import StaffChoiceField, StaffMultipleChoiceField, staff_label
from tests.builders import open_case
from workflows.forms import ReassignForm


def test_a_member_of_staff_is_named_with_the_role(world) -> None:
    User.objects.filter(pk=world.principal.pk).update(full_name="王淑芬")
    principal = User.objects.get(pk=world.principal.pk)
    with translation.override("en"):
        assert staff_label(principal) == "王淑芬 (principal)"
    with translation.override("zh-hans"):
        assert staff_label(principal).startswith("王淑芬") and "校长" in staff_label(principal)
        assert "principal" not in staff_label(principal)


def test_the_choices_read_the_roles_in_two_queries_and_start_at_choose(
    world, django_assert_num_queries
) -> None:
    staff = User.objects.filter(memberships__school=world.school).order_by("username")
    field = StaffChoiceField(queryset=staff)
    with translation.override("en"), django_assert_num_queries(3):  # users, school and bureau roles
        choices = [(str(value), str(label)) for value, label in list(field.iterator(field))]
    assert choices[0] == ("", "Choose…")
    labels = [label for _value, label in choices[1:]]
    assert len(labels) == staff.count()
    with translation.override("zh-hans"):
        chinese = [str(label) for _value, label in list(field.iterator(field))]
    usernames = set(staff.values_list("username", flat=True))
    assert not any(name in label for label in chinese for name in usernames)
    assert all(
        re.search(
            r"\((teacher|psychological counsellor|principal|school administrator|donation custodian)", label
        )
        for label in labels
    )
    several = StaffMultipleChoiceField(queryset=staff)
    with translation.override("en"):
        assert [str(label) for _value, label in list(several.iterator(several))] == labels


def test_the_handover_page_lists_real_names_and_no_dashes(world, client: Client) -> None:
    open_case(world.classroom, by=world.owner)
    client.force_login(world.principal)
    url = reverse("workflows:reassign") + f"?school={world.school.pk}&teacher={world.owner.pk}"
    html = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "---------" not in html
    assert "Choose…" in html
    assert f"({world.colleague.username})" not in html
    assert f"{world.colleague.get_full_name()} (teacher)" in html


def test_the_handover_form_validates_the_chosen_teacher(world) -> None:
    teachers = User.objects.filter(pk__in=[world.owner.pk, world.colleague.pk])
    form = ReassignForm({"new_owner": world.colleague.pk, "reason": "调岗"}, teachers=teachers)
    assert form.is_valid(), form.errors
    form = ReassignForm({"new_owner": world.outsider.pk, "reason": "调岗"}, teachers=teachers)
    assert not form.is_valid() and "new_owner" in form.errors
