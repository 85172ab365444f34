"""The OpenAPI document: it covers every route under /api/v1, is valid OpenAPI 3.1, and the
running API (gunicorn and a worker) keeps to it under generated requests (schemathesis)."""

from __future__ import annotations

import re

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.api.openapi import openapi_document
from tests.conftest import make_env, running_web


def _operations_of_routes(app) -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every route the app serves under /api/v1."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z0-9_]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        found |= {(m.lower(), path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def _operations_of_document(document: dict) -> set[tuple[str, str]]:
    return {(method, path) for path, item in document["paths"].items() for method in item}


def test_every_api_route_has_an_operation_and_every_operation_a_route(app):
    routes = _operations_of_routes(app)
    documented = _operations_of_document(openapi_document())
    assert len(routes) >= 18  # guard against a check that reads no routes
    assert routes - documented == set(), "routes without an operation in the document"
    assert documented - routes == set(), "operations without a route"


def test_every_operation_that_reads_the_store_documents_its_503():
    """A database or file store that is away answers 503 ``storage_unavailable`` on any
    route (``service.errors``); only the static contract itself never reads them."""
    missing = {(method, path) for path, item in openapi_document()["paths"].items()
               for method, operation in item.items() if "503" not in operation["responses"]}
    assert missing == {("get", "/openapi.json")}


def test_the_document_is_valid_openapi_3_1_and_served_without_a_token(client, auth_app):
    from tests.service.conftest import new_client

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["components"]["schemas"]["Error"]["properties"]["error"]["required"] == [
        "code", "message", "details"]
    # Where sign-in is required the contract is still public; the operations are not.
    signed = new_client(auth_app)
    assert signed.get("/api/v1/openapi.json").status_code == 200
    assert signed.get("/api/v1/jobs").status_code == 401


@pytest.fixture(scope="module")
def api_server(worker, data_dir, redis_url):
    """A real `reportgen web` (gunicorn) on the session's data, with the session's worker."""
    with running_web(make_env(data_dir, redis_url)) as (url, _process):
        yield url


# The document the server serves (checked equal below), loaded once for parametrizing.
schema = schemathesis.openapi.from_dict(openapi_document())


@pytest.mark.slow
def test_the_running_server_serves_this_document(api_server):
    served = requests.get(f"{api_server}/api/v1/openapi.json", timeout=10).json()
    assert served == openapi_document()


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_running_api_keeps_its_contract(case, api_server):
    # Generated requests, valid and not, sent to gunicorn: never a 5xx, and every status,
    # media type, header and body as the document says.
    case.call_and_validate(base_url=f"{api_server}/api/v1",
                           checks=[not_a_server_error, status_code_conformance,
                                   content_type_conformance, response_headers_conformance,
                                   response_schema_conformance])


@pytest.mark.slow
def test_a_real_job_and_its_pdf_match_the_document(api_server):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    from tests.conftest import SAMPLE

    document = requests.get(f"{api_server}/api/v1/openapi.json", timeout=10).json()
    registry = Registry().with_resource(
        "urn:api", Resource.from_contents(document, default_specification=DRAFT202012))

    def check(name: str, body: dict) -> None:
        schema = {"$ref": f"urn:api#/components/schemas/{name}"}
        Draft202012Validator(schema, registry=registry).validate(body)

    with SAMPLE.open("rb") as f:
        created = requests.post(f"{api_server}/api/v1/jobs", files={"data": ("s.xlsx", f)},
                                data={"template": "gender-equality-month", "period": "2023",
                                      "report_date": "2023-12-04"}, timeout=30).json()
    check("JobCreated", created)
    job = requests.get(api_server + created["status_url"], params={"wait": 30},
                       timeout=60).json()
    check("Job", job)
    assert job["status"] == "succeeded"
    listed = requests.get(f"{api_server}/api/v1/jobs", params={"status": "succeeded"},
                          timeout=30).json()
    check("JobList", listed)
