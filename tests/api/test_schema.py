"""The OpenAPI schema and the docs page, which must work offline (no CDN)."""

from __future__ import annotations

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.test import Client
from drf_spectacular.validation import validate_schema

PATHS = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/pupils/": {"get"},
    "/api/v1/pupils/{pupil_id}/": {"get"},
    "/api/v1/cases/": {"get", "post"},
    "/api/v1/cases/{case_id}/": {"get"},
    "/api/v1/cases/{case_id}/transitions/{name}/": {"post"},
    "/api/v1/cases/{case_id}/plans/": {"get", "post"},
    "/api/v1/cases/{case_id}/visits/": {"get", "post"},
    "/api/v1/cases/{case_id}/visits/{visit_id}/": {"get", "patch"},
    "/api/v1/cases/{case_id}/notes/": {"get", "post"},
    "/api/v1/visits/": {"get", "post"},
    "/api/v1/visits/{visit_id}/": {"get"},
    "/api/v1/visits/{visit_id}/appointment/": {"post"},
    "/api/v1/visits/{visit_id}/record/": {"post"},
    "/api/v1/visits/{visit_id}/follow-up/": {"post"},
    "/api/v1/visits/{visit_id}/open-case/": {"post"},
    "/api/v1/visits/{visit_id}/gift-reports/": {"get", "post"},
    "/api/v1/visit-plans/": {"get", "post"},
    "/api/v1/visit-plans/{plan_id}/": {"get"},
    "/api/v1/visit-plans/{plan_id}/assignments/": {"post"},
    "/api/v1/inspections/": {"get"},
    "/api/v1/inspections/{inspection_id}/": {"get"},
    "/api/v1/rectifications/": {"get"},
    "/api/v1/rectifications/{rectification_id}/answer/": {"post"},
    "/api/v1/opinions/": {"get", "post"},
    "/api/v1/opinions/{opinion_id}/transitions/{name}/": {"post"},
    "/api/v1/visits/{visit_id}/opinions/": {"post"},
    "/api/v1/audit/events/": {"get"},
    "/api/v1/support/entries/": {"get"},
    "/api/v1/sixones/essays/": {"get", "post"},
    "/api/v1/sixones/essays/{essay_id}/exemplary/": {"post"},
    "/api/v1/sixones/meetings/": {"get", "post"},
    "/api/v1/sixones/acts/": {"get", "post"},
    "/api/v1/sixones/checklist/": {"get"},
    "/api/v1/sixones/completion/": {"get"},
    "/api/v1/support/stock/": {"get"},
    "/api/v1/support/totals/": {"get"},
    "/api/v1/campaigns/": {"get"},
    "/api/v1/campaigns/{campaign_id}/": {"get"},
    "/api/v1/campaigns/{campaign_id}/phases/{phase_id}/": {"patch"},
    "/api/v1/tasks/": {"get"},
    "/api/v1/tasks/{task_id}/claim/": {"post"},
    "/api/v1/tasks/{task_id}/complete/": {"post"},
    "/api/v1/cases/{case_id}/attachments/": {"get", "post"},
    "/api/v1/visits/{visit_id}/attachments/": {"get", "post"},
    "/api/v1/attachments/{attachment_id}/": {"get", "delete"},
    "/api/v1/attachments/{attachment_id}/download/": {"get"},
    "/api/v1/cases/{case_id}/tutoring-sessions/": {"get", "post"},
    "/api/v1/cases/{case_id}/counselling-sessions/": {"get", "post"},
    "/api/v1/pupils/{pupil_id}/archive/": {"get", "put"},
    "/api/v1/pupils/{pupil_id}/archive/entries/{year}/": {"put"},
    "/api/v1/evidence/teachers/{teacher_id}/": {"get"},
    "/api/v1/evidence/pupils/{pupil_id}/": {"get"},
}


@pytest.mark.smoke
def test_the_schema_is_valid_openapi_and_lists_every_endpoint(db):
    response = Client().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert {
        path: set(ops) & {"get", "post", "patch", "put", "delete"} for path, ops in schema["paths"].items()
    } == PATHS
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    case = schema["components"]["schemas"]["CaseDetail"]["properties"]
    assert "available_transitions" in case
    assert "available_transitions" not in schema["components"]["schemas"]["Case"]["properties"]


def test_the_schema_also_comes_as_yaml(db):
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert set(schema["paths"]) == set(PATHS)


def test_the_docs_page_loads_nothing_from_outside(db):
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    sources = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert sources, html
    for source in sources:
        assert source.startswith("/static/"), source
        # ... and each of them is one of our static files (collected in production).
        assert finders.find(source.removeprefix("/static/")), source
    assert "cdn" not in html.lower()
    assert "https://" not in html
    assert "/api/v1/schema/" in html
