"""A request body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) is refused with 413 in the API's
error shape, not the site's HTML 400 page, and nothing is written."""

import json

import pytest
from django.conf import settings

from salespath.customers.models import Customer

pytestmark = pytest.mark.django_db


def oversized_body() -> str:
    return json.dumps({"name": "大客户", "note": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})


@pytest.mark.parametrize("method", ["post", "patch", "put"])
def test_an_oversized_body_is_a_413_in_the_error_shape(cast, api, method):
    client = api(cast.salesperson, language="en")
    url = "/api/v1/customers/" if method == "post" else "/api/v1/opportunities/1/"
    response = getattr(client, method)(url, oversized_body(), content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "too_large"
    assert error["message"] == "The request body is larger than 2.5 MB."
    assert not Customer.objects.exists()


def test_a_body_under_the_limit_is_read(cast, api):
    response = api(cast.salesperson).post(
        "/api/v1/customers/", {"name": "大客户", "note": "x" * 1000}, format="json"
    )
    assert response.status_code == 201
