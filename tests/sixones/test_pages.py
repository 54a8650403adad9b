"""Six-ones pages and API: it works, the wrong people are refused (404 other school, 403 read-only),
wrong methods and bad input never give a 500, and every write and PDF download is audited."""

from __future__ import annotations

import io
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from casework.models import State
from sixones.models import ActOfHelp, Handbook, ParentsMeeting, VisitEssay
from tests.api.helpers import api_client
from tests.builders import drive_to, open_case
from tests.sixones.helpers import act, campaign, essay


def actions() -> list[str]:
    return list(AuditEvent.objects.filter(action__startswith="sixones.").values_list("action", flat=True))


def test_my_six_ones_and_the_forms(world, client) -> None:
    year = campaign(world)
    client.force_login(world.owner)
    html = client.get("/sixones/").content.decode()
    assert html.count('data-done="no"') == 6 and 'data-nav="sixones"' in html

    today = timezone.localdate().isoformat()
    response = client.post("/sixones/essays/new/", {"title": "", "body": "x", "written_on": today})
    assert response.status_code == 400 and VisitEssay.objects.count() == 0
    response = client.post(
        "/sixones/essays/new/", {"title": "走进小明的家", "body": "家访随笔", "written_on": "2999-01-01"}
    )
    assert response.status_code == 400 and "written_on" in response.content.decode()
    response = client.post(
        "/sixones/essays/new/", {"title": "走进小明的家", "body": "家访随笔", "written_on": today}
    )
    assert response.status_code == 302
    response = client.post(
        "/sixones/meetings/new/",
        {
            "held_on": today,
            "topic": "家长座谈会",
            "organisers": [world.owner.pk, world.colleague.pk],
            "attendee_count": 20,
            "attendees": "家长",
            "minutes": "纪要",
        },
    )
    assert response.status_code == 302
    meeting_id = ParentsMeeting.objects.get().pk
    case = open_case(world.classroom, by=world.owner)
    response = client.post("/sixones/acts/new/", {"done_on": today, "case": case.pk, "what": "送去学习用品"})
    assert response.status_code == 302
    response = client.post("/sixones/acts/new/", {"done_on": today, "what": "送去学习用品"})
    assert response.status_code == 400  # neither pupil nor case
    html = client.get(f"/sixones/?year={year.year}").content.decode()
    for item, state in (
        ("essay", "yes"),
        ("meeting", "yes"),
        ("act", "yes"),
        ("pairing", "yes"),
        ("plan", "no"),
    ):
        assert f'data-item="{item}" data-done="{state}"' in html, item
    assert actions() == ["sixones.essay_written", "sixones.meeting_recorded", "sixones.act_recorded"]

    # The meeting follows the school's rule, the act in a case the case's rule.
    act_id = ActOfHelp.objects.get().pk
    for persona, meeting_status, act_status in (
        ("colleague", 200, 404),
        ("principal", 200, 200),
        ("inspector", 200, 200),
        ("outsider", 404, 404),
    ):
        client.force_login(getattr(world, persona))
        assert client.get(f"/sixones/meetings/{meeting_id}/").status_code == meeting_status, persona
        assert client.get(f"/sixones/acts/{act_id}/").status_code == act_status, persona
    client.force_login(world.inspector)
    assert client.get("/sixones/").status_code == 302  # to the city's completion
    assert client.get("/sixones/essays/new/").status_code == 403
    assert client.post("/sixones/meetings/new/", {}).status_code == 403
    client.logout()
    assert client.get("/sixones/").status_code == 302
    assert client.get(f"/sixones/meetings/{meeting_id}/").status_code == 302


def test_exemplary_essays(world, client) -> None:
    campaign(world)
    mine = essay(world.owner, title="我的家访随笔")
    url = f"/sixones/essays/{mine.pk}/"
    for persona, status in (
        ("owner", 200),
        ("principal", 200),
        ("colleague", 404),
        ("outsider", 404),
        ("inspector", 404),
    ):
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == status, persona
    for persona, status in (("owner", 403), ("colleague", 404), ("outsider", 404), ("inspector", 404)):
        client.force_login(getattr(world, persona))
        assert client.post(f"{url}exemplary/", {"exemplary": "on"}).status_code == status, persona
    client.force_login(world.principal)
    assert client.get(f"{url}exemplary/").status_code == 405
    assert client.post(f"{url}exemplary/", {"exemplary": "on"}).status_code == 302
    assert VisitEssay.objects.get().exemplary and actions() == [
        "sixones.essay_written",
        "sixones.essay_exemplary",
    ]

    essay(world.owner, title="另一篇")  # not exemplary: inspectors never see it
    client.force_login(world.inspector)
    html = client.get("/sixones/essays/?exemplary=1").content.decode()
    assert "我的家访随笔" in html and "另一篇" not in html
    assert client.get(url).status_code == 200
    assert client.post(f"{url}exemplary/", {}).status_code == 403  # sees it, may not change it
    client.force_login(world.colleague)
    assert "我的家访随笔" not in client.get("/sixones/essays/?exemplary=1").content.decode()

    body = api_client(world.inspector).get("/api/v1/sixones/essays/").json()
    assert [e["title"] for e in body["results"]] == ["我的家访随笔"]
    response = api_client(world.principal).post(
        f"/api/v1/sixones/essays/{mine.pk}/exemplary/", {"exemplary": False}, format="json"
    )
    assert response.status_code == 200 and response.json()["exemplary"] is False
    assert api_client(world.inspector).get("/api/v1/sixones/essays/").json()["count"] == 0


def _fonts(reader: PdfReader) -> dict[str, bool]:
    found = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = "/FontFile2" in font["/FontDescriptor"].get_object()
    return found


def test_the_handbook_pdf(world, client) -> None:
    year = campaign(world)
    case = open_case(world.classroom, by=world.owner)
    drive_to(case, State.REVIEW, leader=world.principal)  # a recorded visit: 父母在外务工
    essay(world.owner, title="冬日家访")
    client.force_login(world.colleague)
    response = client.post(f"/sixones/handbook/compile/?year={year.year}", follow=True)
    assert response.status_code == 200 and Handbook.objects.count() == 0  # the colleague visited nobody
    assert "sixones.handbook_compiled" not in actions()
    client.force_login(world.owner)
    assert client.get("/sixones/handbook/compile/").status_code == 405
    assert client.post(f"/sixones/handbook/compile/?year={year.year}").status_code == 302
    handbook = Handbook.objects.get()
    url = f"/sixones/handbook/{handbook.pk}/pdf/"

    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (case.pupil.name, "父母在外务工", world.school.name, year.name, "冬日家访"):
        assert expected in text, expected
    fonts = _fonts(reader)
    assert fonts and all(fonts.values()), fonts  # the CJK TrueType font is embedded

    for persona, status in (("principal", 200), ("inspector", 200), ("colleague", 404), ("outsider", 404)):
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == status, persona
    assert client.post(url).status_code == 405
    assert actions().count("sixones.handbook_downloaded") == 3
    assert actions().count("sixones.handbook_compiled") == 1


def test_the_api_records_and_checklist(world) -> None:
    year = campaign(world)
    owner = api_client(world.owner)
    today = timezone.localdate().isoformat()
    response = owner.post("/api/v1/sixones/essays/", {"title": "随笔", "body": "正文"}, format="json")
    assert response.status_code == 201 and response.json()["campaign_year"] == year.year
    response = owner.post(
        "/api/v1/sixones/meetings/",
        {
            "held_on": today,
            "topic": "座谈",
            "organisers": [world.outsider.pk],
            "attendees": "家长",
            "attendee_count": 5,
            "minutes": "纪要",
        },
        format="json",
    )
    assert response.status_code == 400 and "organisers" in response.json()["errors"]
    response = owner.post(
        "/api/v1/sixones/meetings/",
        {
            "held_on": today,
            "topic": "座谈",
            "organisers": [world.owner.pk],
            "attendees": "家长",
            "attendee_count": 5,
            "minutes": "纪要",
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["organisers"] == [world.owner.pk]
    assert (
        owner.post("/api/v1/sixones/acts/", {"done_on": today, "what": "x"}, format="json").status_code == 400
    )
    response = owner.post(
        "/api/v1/sixones/acts/", {"done_on": "soon", "what": "x", "pupil": 1}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    act(world, world.owner)
    body = owner.get("/api/v1/sixones/checklist/").json()
    assert body["done"] == 3 and {i["key"] for i in body["items"] if i["done"]} == {"essay", "meeting", "act"}
    assert owner.put("/api/v1/sixones/checklist/", {}).status_code == 405
    assert owner.get("/api/v1/sixones/checklist/?year=1999").status_code == 404

    inspector = api_client(world.inspector)
    assert inspector.get("/api/v1/sixones/checklist/").status_code == 404
    assert (
        inspector.post("/api/v1/sixones/essays/", {"title": "t", "body": "b"}, format="json").status_code
        == 403
    )
    assert inspector.get("/api/v1/sixones/meetings/").json()["count"] == 1
    assert inspector.get("/api/v1/sixones/acts/").json()["count"] == 1
    outsider = api_client(world.outsider)
    for path in ("essays", "meetings", "acts"):
        assert outsider.get(f"/api/v1/sixones/{path}/").json()["count"] == 0
    assert api_client(world.colleague).get("/api/v1/sixones/essays/").json()["count"] == 0
    assert api_client().get("/api/v1/sixones/essays/").status_code == 401


def test_the_essay_list_takes_the_same_queries_for_more_rows(world, client) -> None:
    campaign(world)
    essay(world.owner)
    client.force_login(world.principal)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/sixones/essays/").status_code == 200
        return len(queries)

    one = count()
    for n in range(3):
        essay(world.colleague, title=f"随笔{n}")
    assert count() == one


def test_staff_of_two_schools_choose_the_school_on_the_pages(world, client) -> None:
    """The service will not guess the school of someone who works at two: the forms (and the
    handbook button) ask, and the record goes to the school chosen."""
    from schools.models import Membership
    from tests.factories import MembershipFactory

    campaign(world)
    MembershipFactory.create(user=world.owner, school=world.other_school, role=Membership.Role.TEACHER)
    client.force_login(world.owner)
    assert 'data-field="school"' in client.get("/sixones/").content.decode()
    today = timezone.localdate().isoformat()
    essay_data = {"title": "两校之间", "body": "家访随笔", "written_on": today}
    response = client.post("/sixones/essays/new/", essay_data)
    assert response.status_code == 400 and "school" in response.context["form"].errors
    response = client.post("/sixones/essays/new/", {**essay_data, "school": world.other_school.pk})
    assert response.status_code == 302
    assert VisitEssay.objects.get().school == world.other_school
    response = client.post(
        "/sixones/meetings/new/",
        {
            "held_on": today,
            "topic": "家长座谈会",
            "organisers": [world.owner.pk],
            "attendee_count": 12,
            "attendees": "家长",
            "minutes": "纪要",
            "school": world.school.pk,
        },
    )
    assert response.status_code == 302 and ParentsMeeting.objects.get().school == world.school
    # Single-school staff see no school field at all.
    client.force_login(world.colleague)
    assert "school" not in client.get("/sixones/essays/new/").context["form"].fields
