"""schemathesis against the live schema, with an administrator's token and a salesperson's:
for every documented operation, a few generated requests, valid and invalid (bounded so the
suite stays quick), must never answer 5xx (ST101), invalid ones must be refused (ST201), and
every answer must conform to the schema — status code (ST103), content type (ST105) and
body, errors included. It runs in `make test`; `-m "not schemathesis"` leaves it out."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from salespath.api.services import token_create
from salespath.pipeline import services
from tests.factories import ContactFactory, CustomerFactory, OpportunityFactory, ProductFactory

# Bounded so `make test` stays quick (about a minute per role on 2 busy cores);
# SCHEMATHESIS_MAX_EXAMPLES=200 for a deeper run.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def strategy(operation):
    """Requests that fit the schema and, where the schema can be broken, requests that do not
    (which must be refused with a 4xx, never accepted and never a 5xx)."""
    positive = operation.as_strategy(GenerationMode.POSITIVE)
    try:
        return positive | operation.as_strategy(GenerationMode.NEGATIVE)
    except Exception:  # nothing in this operation's schema can be made invalid
        return positive


@pytest.fixture
def keep_the_test_connection():
    """Requests go to the WSGI application directly, not through Django's test client, so
    stop it closing the connection (and the test's transaction) after each request, as the
    test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(cast, keep_the_test_connection):
    """The schema as served, with a little data behind it so some ids exist."""
    ProductFactory(code="erp")
    customer = CustomerFactory(owner=cast.salesperson)
    ContactFactory(customer=customer)
    opportunity = OpportunityFactory(owner=cast.salesperson, customer=customer)
    services.quote_add(
        opportunity=opportunity,
        by=cast.salesperson,
        software_fee=1,
        implementation_fee=1,
        service_fee=1,
    )
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@pytest.mark.schemathesis
@pytest.mark.parametrize("role", ["admin", "salesperson"])
def test_no_operation_answers_5xx_or_off_schema(api_schema, cast, role):
    """Every operation in turn, as an administrator (who may do everything) and as a
    salesperson (who is refused much), each bounded to about a minute and a half on a small
    machine. schemathesis's pytest plugin does not run under pytest 9 yet, so the operations
    are driven here with its own strategies and checks."""
    token = token_create(user=getattr(cast, role), name="schemathesis")[1]
    # identity: schemathesis reads the WSGI app's body as sent, and the app gzips for
    # clients that accept it (an HTTP client would decompress)
    headers = {
        "Authorization": f"Token {token}",
        "Accept-Language": "en",
        "Accept-Encoding": "identity",
    }
    failures, operations = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy(operation))
        def call(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            call()
        except (Exception, BaseExceptionGroup) as failure:  # reported together below
            failures.append(f"{operation.label}: {failure}")
    assert operations > 90
    assert not failures, "\n\n".join(failures)
