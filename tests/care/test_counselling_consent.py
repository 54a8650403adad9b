"""Where local rules ask for it (WANJIA_COUNSELLING_CONSENT_REQUIRED), a counselling session needs
the guardians' consent to counselling in force; by default it does not (docs/consent.md)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from care.models import CounsellingSession
from casework.models import CounsellingNote
from consents.models import Purpose
from consents.rules import ConsentMissing
from consents.services import consent_withdraw
from tests.api.helpers import api_client
from tests.builders import give_consent, open_case
from tests.care.helpers import SECRET, days_ago, weeks_ago
from tests.care.test_counselling import record
from tests.casework.view_support import page


def psychological_case(world):
    return open_case(
        world.classroom, by=world.colleague, categories=("psychological",), opened_at=weeks_ago()
    )


def test_by_default_no_consent_is_asked(world) -> None:
    case = psychological_case(world)
    assert record(case, world.counsellor).pk


@pytest.mark.smoke
def test_required_consent_missing_refused_or_withdrawn(world, settings) -> None:
    settings.WANJIA_COUNSELLING_CONSENT_REQUIRED = True
    case = psychological_case(world)
    with pytest.raises(ConsentMissing) as info:
        record(case, world.counsellor)
    assert info.value.code == "consent_missing" and case.pupil.name in info.value.message
    # Nothing written: neither the session nor its confidential note.
    assert not CounsellingSession.objects.exists() and not CounsellingNote.objects.exists()
    give_consent(case.pupil, Purpose.COUNSELLING, by=world.owner, granted=False)
    with pytest.raises(ConsentMissing):
        record(case, world.counsellor)
    give_consent(case.pupil, Purpose.HOME_VISIT_PHOTOS, by=world.owner)  # another purpose: no help
    with pytest.raises(ConsentMissing):
        record(case, world.counsellor)
    consent = give_consent(case.pupil, Purpose.COUNSELLING, by=world.principal)
    assert record(case, world.counsellor).pk
    consent_withdraw(user=world.principal, consent_id=consent.pk, reason="家长要求停止")
    with pytest.raises(ConsentMissing):
        record(case, world.counsellor, attendance="missed", duration_minutes=None, content="")
    assert CounsellingSession.objects.count() == 1


def test_the_page_and_the_api_say_why(world, client: Client, settings) -> None:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    settings.WANJIA_COUNSELLING_CONSENT_REQUIRED = True
    case = psychological_case(world)
    url = reverse("care:counselling_create", args=[case.pk])
    form = {"held_on": days_ago(2).isoformat(), "attendance": "attended", "duration_minutes": "45"}
    page(client, world.counsellor, url)
    response = client.post(url, {**form, "content": SECRET})
    assert response.status_code == 400
    html = response.content.decode()
    assert "psychological counselling" in html and SECRET in html  # the typed content is kept
    api = f"/api/v1/cases/{case.pk}/counselling-sessions/"
    answer = api_client(world.counsellor).post(api, {**form, "content": SECRET}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "consent_missing"
    assert set(answer.json()["errors"]) == {"consent"}
    assert not CounsellingSession.objects.exists()
