"""Consent pages: the card on the pupil page, the consents page with its history and scans,
recording a decision, withdrawing a consent; everyone else gets 404 (or 403 for readers)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attachments.models import Attachment
from attachments.services import attachment_upload
from audit.models import AuditEvent
from consents.models import Consent, Purpose
from consents.rules import consent_given
from schools.models import Membership
from tests.attachments import samples
from tests.builders import give_consent
from tests.casework.view_support import page
from tests.factories import GuardianFactory, MembershipFactory, PupilFactory, UserFactory

PHOTOS = Purpose.HOME_VISIT_PHOTOS


def urls(pupil_id: int) -> tuple[str, str, str]:
    return (
        reverse("portal:pupil_detail", args=[pupil_id]),
        reverse("consents:pupil_consents", args=[pupil_id]),
        reverse("consents:consent_record", args=[pupil_id]),
    )


@pytest.mark.smoke
def test_record_a_consent_attach_its_scan_and_withdraw_it(world, client: Client) -> None:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    pupil = PupilFactory.create(classroom=world.classroom, name="周小雨")
    mother = GuardianFactory.create(pupil=pupil, name="周丽", relation="mother")
    pupil_page, consents_page, record_page = urls(pupil.pk)

    html = page(client, world.owner, pupil_page)  # the class teacher
    assert 'data-card="pupil-consents"' in html and f'href="{record_page}"' in html
    assert f'data-consent-purpose="{PHOTOS}" data-consent-status="missing"' in html

    form = page(client, world.owner, record_page)
    assert 'name="decision"' in form and "周丽" in form
    refused = client.post(record_page, {"purpose": PHOTOS})  # no decision, nobody named
    assert refused.status_code == 400 and not Consent.objects.exists()
    refused = client.post(record_page, {"purpose": PHOTOS, "decision": "yes"})
    assert refused.status_code == 400 and "Say who decided" in refused.content.decode()
    response = client.post(record_page, {"purpose": PHOTOS, "decision": "yes", "guardian": mother.pk})
    assert response.status_code == 302 and response["Location"] == consents_page
    consent = Consent.objects.get()
    assert (consent.granted, consent.guardian_name, consent.recorded_by) == (True, "周丽", world.owner)
    assert consent_given(pupil=pupil, purpose=PHOTOS)

    # The scan of the signed form: an attachment of the consent.
    html = page(client, world.owner, consents_page)
    upload = reverse("attachments:consent_upload", args=[consent.pk])
    assert f'id="consent-{consent.pk}"' in html and f'href="{upload}"' in html
    response = client.post(upload, {"file": SimpleUploadedFile("同意书.pdf", samples.pdf())})
    assert response.status_code == 302 and response["Location"] == f"{consents_page}#consent-{consent.pk}"
    scan = Attachment.objects.get()
    assert (scan.consent, scan.case, scan.visit, scan.school) == (consent, None, None, world.school)
    download = reverse("attachments:download", args=[scan.pk])
    assert f'href="{download}"' in page(client, world.owner, consents_page)
    assert page(client, world.inspector, consents_page).count(download) == 1
    assert client.get(download).status_code == 200  # the inspector reads it
    client.force_login(world.colleague)
    assert client.get(download).status_code == 404
    # Removed by a principal (or its uploader), like any attachment; back to the consent's record.
    second = attachment_upload(user=world.admin, consent_id=consent.pk, name="b.pdf", chunks=[samples.pdf()])
    remove = reverse("attachments:remove", args=[second.pk])
    client.force_login(world.owner)  # neither its uploader nor a principal
    assert client.post(remove).status_code == 403
    client.force_login(world.principal)
    assert client.post(remove)["Location"] == f"{consents_page}#consent-{consent.pk}"
    assert Attachment.objects.present().get() == scan

    # Withdrawal: a page with the reason, then the record says so and nothing is in force.
    withdraw = reverse("consents:consent_withdraw", args=[consent.pk])
    assert f'href="{withdraw}"' in page(client, world.principal, consents_page)
    assert client.post(withdraw, {"reason": ""}).status_code == 400
    response = client.post(withdraw, {"reason": "母亲来电撤回"})
    assert response.status_code == 302 and response["Location"] == consents_page
    consent.refresh_from_db()
    assert consent.withdrawn_by == world.principal and consent.withdrawal_reason == "母亲来电撤回"
    assert not consent_given(pupil=pupil, purpose=PHOTOS)
    html = page(client, world.principal, consents_page)
    assert f'data-consent="{consent.pk}" data-status="withdrawn"' in html and "母亲来电撤回" in html
    assert f'href="{withdraw}"' not in html
    conflict = client.post(withdraw, {"reason": "again"})  # already withdrawn
    assert conflict.status_code == 409
    assert AuditEvent.objects.filter(action="consent.withdrawn").count() == 1


def test_who_sees_and_who_acts(world, client: Client) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)
    consent = give_consent(pupil, PHOTOS, by=world.owner)
    pupil_page, consents_page, record_page = urls(pupil.pk)
    withdraw = reverse("consents:consent_withdraw", args=[consent.pk])
    for user in (world.owner, world.principal, world.admin):
        page(client, user, consents_page)
        page(client, user, record_page)
        page(client, user, withdraw)
    # The inspector reads the consents, records nothing.
    html = page(client, world.inspector, consents_page)
    assert f'href="{record_page}"' not in html and f'href="{withdraw}"' not in html
    page(client, world.inspector, record_page, status=403)
    page(client, world.inspector, withdraw, status=403)
    assert client.post(withdraw, {"reason": "x"}).status_code == 403
    # Other staff of the school see the pupil, not the consents card; the other school nothing.
    for user in (world.colleague, world.counsellor, world.custodian):
        assert 'data-card="pupil-consents"' not in page(client, user, pupil_page)
        for url in (consents_page, record_page, withdraw):
            page(client, user, url, status=404)
    for url in (consents_page, record_page, withdraw):
        page(client, world.outsider, url, status=404)
    client.force_login(world.owner)
    assert client.post(consents_page).status_code == 405
    assert client.put(record_page).status_code == 405
    Consent.objects.get(pk=consent.pk)  # nothing changed
    assert consent_given(pupil=pupil, purpose=PHOTOS)


def test_the_consents_page_reads_a_fixed_number_of_queries(world, client: Client) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)

    def queries() -> int:
        client.force_login(world.owner)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(urls(pupil.pk)[1]).status_code == 200
        return len(captured)

    consent = give_consent(pupil, PHOTOS, by=world.owner)
    attachment_upload(user=world.owner, consent_id=consent.pk, name="a.pdf", chunks=[samples.pdf()])
    few = queries()
    for purpose in Purpose.values:
        more = give_consent(pupil, purpose, by=world.principal)
        attachment_upload(user=world.owner, consent_id=more.pk, name="b.pdf", chunks=[samples.pdf()])
    assert queries() == few


def test_a_scan_of_another_schools_consent_offers_no_removal_it_would_refuse(world, client: Client) -> None:
    """After a move, the new school's principal sees the old school's records, but its scans are
    removed only by their uploader or the principal of the school that recorded the consent."""
    pupil = PupilFactory.create(classroom=world.classroom)
    consent = give_consent(pupil, PHOTOS, by=world.owner)
    scan = attachment_upload(user=world.owner, consent_id=consent.pk, name="a.pdf", chunks=[samples.pdf()])
    # Written directly on purpose: there is no transfer service yet.
    type(pupil).objects.filter(pk=pupil.pk).update(school=world.other_school, classroom=world.other_classroom)
    new_principal = UserFactory.create(username="new-principal")
    MembershipFactory.create(user=new_principal, school=world.other_school, role=Membership.Role.PRINCIPAL)
    html = page(client, new_principal, reverse("consents:pupil_consents", args=[pupil.pk]))
    assert f'data-attachment="{scan.pk}"' in html and f'data-remove="{scan.pk}"' not in html
    assert client.post(reverse("attachments:remove", args=[scan.pk])).status_code == 403
