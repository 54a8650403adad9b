"""The schema tells the truth: schemathesis calls every operation of the live API, as a class
teacher and as a principal of the demo school, and each answer must be what the schema documents
(status code, content type, body) and never a server error.

The demo organisation gives the endpoints something to return, and the ids of its records are
offered for the path parameters (beside generated ones, which mostly meet 404s); sequences are
reset, so the ids are the same on every run. Each operation gets a few examples, valid and
invalid, from a fixed seed, with no example database and no shrinking: the run does the same
every time, and a failure is reported as first met, one subtest per operation.

schemathesis's own pytest integration (``schemathesis.pytest.from_fixture(...).parametrize()``)
renames items through ``Node._nodeid``, which pytest 9.2 no longer has; so each operation's
Hypothesis strategy (``APIOperation.as_strategy``, its public API for this) is driven here.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from django.core.management import call_command
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from accounts.models import User
from attachments.models import Attachment
from casework.models import Case, HomeVisit, VisitPlan
from consents.models import Consent
from inspections.models import Inspection, Rectification
from opinions.models import ParentOpinion
from schools.models import Campaign, CampaignPhase, Pupil
from sixones.models import VisitEssay
from workflows.models import CaseTask

PASSWORD = "schemathesis-demo"
PERSONAS = ("teacher_a1", "principal_a")  # the class teacher of 4(1) and the principal of school A
SEED = 20261208
EXAMPLES = 5  # per operation and persona
IDS_PER_PARAMETER = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _known_ids() -> dict[str, list[int]]:
    """Ids of the demo's records, per path parameter, oldest first."""
    querysets: dict[str, Any] = {
        "attachment_id": Attachment.objects.all(),
        "campaign_id": Campaign.objects.all(),
        "case_id": Case.objects.all(),
        "consent_id": Consent.objects.all(),
        "essay_id": VisitEssay.objects.all(),
        "inspection_id": Inspection.objects.all(),
        "opinion_id": ParentOpinion.objects.all(),
        "phase_id": CampaignPhase.objects.all(),
        "plan_id": VisitPlan.objects.all(),
        # Pupils with a case or a special-group archive: the ones with something to show.
        "pupil_id": Pupil.objects.filter(cases__isnull=False)
        | Pupil.objects.filter(care_archive__isnull=False),
        "rectification_id": Rectification.objects.all(),
        "task_id": CaseTask.objects.all(),
        "teacher_id": User.objects.filter(memberships__isnull=False),
        "visit_id": HomeVisit.objects.all(),
    }
    ids = {
        name: sorted(set(queryset.values_list("pk", flat=True)))[:IDS_PER_PARAMETER]
        for name, queryset in querysets.items()
    }
    ids["year"] = sorted(set(Campaign.objects.values_list("year", flat=True)))
    return {name: values for name, values in ids.items() if values}


@pytest.fixture(params=PERSONAS)
def api(request: pytest.FixtureRequest, live_server: Any, django_db_reset_sequences: None) -> Any:
    """The schema as the live server serves it, and the persona's token to call it with."""
    call_command("demo", password=PASSWORD, stdout=StringIO())
    response = requests.post(
        f"{live_server.url}/api/v1/auth/token/",
        data={"username": request.param, "password": PASSWORD},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    ids = _known_ids()
    config = SchemathesisConfig.from_dict(
        {
            # Path parameters take a demo record's id four times in five, a generated one otherwise.
            "dictionaries": {name: {"values": values} for name, values in ids.items()},
            "parameters": {f"path.{name}": {"dictionary": name, "probability": 0.8} for name in ids},
        }
    )
    headers = {"Authorization": f"Token {response.json()['token']}"}
    # The schema is for signed-in callers too.
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/v1/schema/?format=json", config=config, headers=headers
    )
    return schema, headers


@pytest.mark.postgres_only
def test_every_operation_answers_as_the_schema_says(api: Any, subtests: pytest.Subtests) -> None:
    schema, headers = api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 60
    # Revoking tokens last: a generated id may be the persona's own token, and every call after
    # that would only meet 401s.
    operations.sort(key=_revokes_a_token)
    assert _revokes_a_token(operations[-1])
    for operation in operations:
        with subtests.test(msg=operation.label):
            _fuzz(operation, headers)


def _revokes_a_token(operation: Any) -> bool:
    return bool(operation.method.upper() == "DELETE" and operation.path.endswith("/auth/tokens/{token_id}/"))


def _fuzz(operation: Any, headers: dict[str, str]) -> None:
    """EXAMPLES calls of the operation, valid and invalid input alike, each answer checked."""
    strategy = st.one_of([operation.as_strategy(generation_mode=mode) for mode in GenerationMode])

    @hypothesis.seed(SEED)
    @hypothesis.settings(
        max_examples=EXAMPLES,
        phases=[hypothesis.Phase.generate],  # no example database, no shrinking
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        print_blob=False,
    )
    @hypothesis.given(case=strategy)
    def call(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS, timeout=60)

    call()
