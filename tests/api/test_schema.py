"""The OpenAPI schema and the docs page, which must work offline (no CDN)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.test import Client
from drf_spectacular.validation import validate_schema

from attachments import files
from casework import rules
from core.api import ERROR_CODES
from core.errors import ErrorCode
from tests.factories import UserFactory

PATHS = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/auth/tokens/": {"get"},
    "/api/v1/auth/tokens/{token_id}/": {"delete"},
    "/api/v1/pupils/": {"get"},
    "/api/v1/pupils/{pupil_id}/": {"get"},
    "/api/v1/schools/{school_id}/staff/": {"get", "post"},
    "/api/v1/schools/{school_id}/staff/{user_id}/invitation/": {"post"},
    "/api/v1/cases/": {"get", "post"},
    "/api/v1/cases/{case_id}/": {"get"},
    "/api/v1/cases/{case_id}/transitions/{name}/": {"post"},
    "/api/v1/cases/{case_id}/plans/": {"get", "post"},
    "/api/v1/cases/{case_id}/visits/": {"get", "post"},
    "/api/v1/cases/{case_id}/visits/{visit_id}/": {"get", "patch"},
    "/api/v1/cases/{case_id}/notes/": {"get", "post"},
    "/api/v1/cases/{case_id}/notes/break-glass/": {"post"},
    "/api/v1/break-glass/": {"get"},
    "/api/v1/break-glass/{access_id}/review/": {"post"},
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
    "/api/v1/staff/{user_id}/leave/": {"post"},
    "/api/v1/notifications/": {"get"},
    "/api/v1/notifications/preferences/": {"get", "put"},
    "/api/v1/notifications/{notification_id}/read/": {"post"},
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
    "/api/v1/pupils/{pupil_id}/consents/": {"get", "post"},
    "/api/v1/consents/{consent_id}/withdraw/": {"post"},
    "/api/v1/consents/{consent_id}/attachments/": {"get", "post"},
    "/api/v1/pupils/{pupil_id}/export/": {"get"},
    "/api/v1/staff/{user_id}/mfa/reset/": {"post"},
}


def signed_in() -> Client:
    """The schema and the docs are for signed-in users (tests/api/test_transit.py: anonymous)."""
    client = Client()
    client.force_login(UserFactory.create())
    return client


@pytest.mark.smoke
def test_the_schema_is_valid_openapi_and_lists_every_endpoint(db):
    response = signed_in().get("/api/v1/schema/?format=json")
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
    response = signed_in().get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert set(schema["paths"]) == set(PATHS)


def test_the_docs_page_loads_nothing_from_outside(db):
    client = signed_in()
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    sources = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert sources, html
    # Its start-up script is the page's second request (no inline script under the CSP) ...
    script = "/api/v1/docs/?script="
    assert script in sources
    for source in sources:
        if source == script:
            continue
        assert source.startswith("/static/"), source
        # ... and everything else is one of our static files (collected in production).
        assert finders.find(source.removeprefix("/static/")), source
    assert "cdn" not in html.lower()
    assert "https://" not in html
    response = client.get(script)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in response.content.decode()
    assert "https://" not in response.content.decode()


def _schema() -> dict:
    response = signed_in().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _operations(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in {"get", "post", "patch", "put", "delete"}:
                yield method, path, operation


def _ref(schema: dict, response: dict, media_type: str = "application/json") -> dict:
    name = response["content"][media_type]["schema"]["$ref"].rsplit("/", 1)[-1]
    return schema["components"]["schemas"][name]


@pytest.mark.smoke
def test_every_list_is_documented_as_the_page_it_is(db):
    """``core.api.paginated`` sends {"count", "next", "previous", "results"}, and a 404 past the
    last page; the schema says so for every list a GET answers."""
    schema = _schema()
    pages = 0
    for method, path, operation in _operations(schema):
        body = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
        assert body.get("schema", {}).get("type") != "array", (method, path)
        if method != "get" or "$ref" not in body.get("schema", {}):
            continue
        page = _ref(schema, operation["responses"]["200"])
        if set(page.get("properties", {})) != {"count", "next", "previous", "results"}:
            continue
        pages += 1
        assert page["properties"]["results"]["type"] == "array", path
        assert {"page", "page_size"} <= {p["name"] for p in operation["parameters"]}, path
        assert "404" in operation["responses"], path
    assert pages == 30


@pytest.mark.smoke
def test_every_error_is_documented_with_its_stable_codes(db):
    schema = _schema()
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail"]
    assert schema["components"]["schemas"]["ErrorCodeEnum"]["enum"] == list(ERROR_CODES)
    # "errors" holds messages per field, or per item and nested field (lists, nested objects).
    assert error["properties"]["errors"]["additionalProperties"]["anyOf"][1] == {"type": "object"}
    for method, path, operation in _operations(schema):
        responses = operation["responses"]
        errors = {code for code in responses if code >= "400"}
        for code in errors:
            assert _ref(schema, responses[code]) is error, (method, path, code)
        if path == "/api/v1/auth/token/":
            assert errors == {"400", "403", "415", "429"}  # 403: mfa_required
            continue
        # 400: a NUL in the address, at least; 403 also for a session that has not passed its
        # second factor (mfa_required).
        assert {"400", "401", "403"} <= errors, (method, path)
        if "{" in path:
            assert "404" in errors, (method, path)
        if "requestBody" in operation:
            assert {"400", "415"} <= errors, (method, path)


@pytest.mark.smoke
def test_blank_choices_and_downloaded_files_are_documented_as_sent(db):
    schema = _schema()
    # A case not closed has no closure outcome: "" (the model field is blank).
    outcome = schema["components"]["schemas"]["CaseDetail"]["properties"]["closure_outcome"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in outcome["oneOf"]
    download = schema["paths"]["/api/v1/attachments/{attachment_id}/download/"]["get"]
    assert set(download["responses"]["200"]["content"]) == {kind.content_type for kind in files.KINDS}


def test_every_error_code_raised_is_documented():
    """Each ``code="..."`` an error is raised with, each ``code = "..."`` of an error class and each
    code of the case rules' MESSAGES is one of ERROR_CODES (the schema's ErrorCodeEnum)."""
    root = Path(__file__).resolve().parents[2]
    raised = {code for code, _message in rules.MESSAGES.values()}
    for source in root.glob("*/**/*.py"):
        if (
            source.parts[len(root.parts)] in {"tests", "bench", ".venv", "var"}
            or "migrations" in source.parts
        ):
            continue
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                values = [keyword.value for keyword in node.exc.keywords if keyword.arg == "code"]
            elif isinstance(node, ast.ClassDef):
                values = [
                    statement.value
                    for statement in node.body
                    if isinstance(statement, ast.Assign)
                    and [getattr(target, "id", None) for target in statement.targets] == ["code"]
                ]
            else:
                continue
            raised |= {str(value.value) for value in values if isinstance(value, ast.Constant)}
            # code = ErrorCode.NOT_FOUND, as core.errors declares its classes' codes
            raised |= {
                ErrorCode[value.attr].value
                for value in values
                if isinstance(value, ast.Attribute) and getattr(value.value, "id", None) == "ErrorCode"
            }
    assert {"not_found", "permission_denied", "conflict", "invalid_state", "no_archive"} <= raised
    assert raised - set(ERROR_CODES) == set()
