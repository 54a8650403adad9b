import pytest

from schools.selectors import pupil_list_for_user, user_roles
from tests.factories import PupilFactory


@pytest.mark.smoke
def test_staff_see_their_school_pupils_and_inspectors_see_all(world):
    mine = PupilFactory.create(classroom=world.classroom)
    theirs = PupilFactory.create(classroom=world.other_classroom)

    assert set(pupil_list_for_user(user=world.colleague)) == {mine}
    assert set(pupil_list_for_user(user=world.outsider)) == {theirs}
    assert set(pupil_list_for_user(user=world.inspector)) == {mine, theirs}


def test_roles_summary(world):
    roles = user_roles(user=world.owner)
    assert [c.pk for c in roles.classrooms_led] == [world.classroom.pk]
    assert roles.school_ids() == {world.school.pk}
    assert not roles.is_inspector
    assert user_roles(user=world.inspector).is_inspector
