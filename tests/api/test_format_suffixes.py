"""Every API operation has one URL, the one the schema documents: the same URL with a format
suffix (`/criteria.json`, `/criteria/.json`) is a JSON 404 for every operation and method,
never a 500 and never a second way in."""

import re

import pytest

from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def operations(client) -> list[tuple[str, str]]:
    schema = client.get("/api/v1/schema/?format=json").json()
    return [
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_no_operation_answers_a_format_suffix(cast, api):
    opportunity = OpportunityFactory(owner=cast.salesperson)
    client = api(cast.admin, language="en")
    found = operations(client)
    assert len(found) > 90
    answers = {}
    for method, path in found:
        concrete = re.sub(r"\{[^}]+\}", str(opportunity.pk), path)
        for suffix in (".json", ".api"):
            for url in (concrete.rstrip("/") + suffix, concrete + suffix):
                response = getattr(client, method)(url, {}, format="json")
                body = response.json() if response["Content-Type"] == "application/json" else {}
                answers[(method, url)] = (response.status_code, body.get("error", {}).get("code"))
    wrong = {key: answer for key, answer in answers.items() if answer != (404, "not_found")}
    assert not wrong, wrong
