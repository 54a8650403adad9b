"""The retention policy page (/privacy/retention/): for principals, school administrators and
inspectors; the periods in force and the last runs (counts only)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from privacy.services import retention_apply
from tests.casework.helpers import personas

pytestmark = pytest.mark.django_db

URL = "/privacy/retention/"
READERS = ["principal", "vice_principal", "admin", "inspector"]
REFUSED = ["owner", "colleague", "counsellor", "custodian", "outsider"]


def people(world):
    found = personas(world)
    return {name: found.get(name) or getattr(world, name) for name in [*READERS, *REFUSED]}


@pytest.mark.smoke
@pytest.mark.parametrize("persona", READERS)
def test_readers_see_the_periods_in_force(world, client: Client, persona: str):
    client.force_login(people(world)[persona])
    with override_settings(
        WANJIA_RETENTION={
            "closed_case_years": 5,
            "left_pupil_years": 4,
            "counselling_note_years": 2,
            "attachment_years": 5,
            "access_log_days": 200,
        }
    ):
        response = client.get(URL, headers={"accept-language": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    for kind, period in [
        ("closed_case_years", 5),
        ("left_pupil_years", 4),
        ("counselling_note_years", 2),
        ("attachment_years", 5),
        ("access_log_days", 200),
    ]:
        assert f'data-kind="{kind}" data-period="{period}"' in html
    assert "200 days" in html and "2 years" in html
    assert 'data-kind="audit_detail"' in html
    assert "has not been applied yet" in html


@pytest.mark.parametrize("persona", REFUSED)
def test_everyone_else_is_refused(world, client: Client, persona: str):
    client.force_login(people(world)[persona])
    assert client.get(URL).status_code == 403


@pytest.mark.smoke
def test_anonymous_is_sent_to_log_in_and_only_get_is_allowed(world, client: Client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(world.principal)
    assert client.post(URL).status_code == 405


def test_the_last_runs_are_listed_with_their_counts(world, client: Client):
    run = retention_apply()
    assert run.event is not None
    client.force_login(world.inspector)
    html = client.get(URL).content.decode()
    assert f'data-run="{run.event.pk}"' in html
    assert "has not been applied yet" not in html
