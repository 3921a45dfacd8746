"""The permission matrix: every action × every role, from one table (STYLE.md).

ok = allowed; 403 = may see but not do it (NotAllowed); 404 = may not even see it (NotFound).
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from salespath.errors import NotAllowed, NotFound
from salespath.pipeline import services
from salespath.pipeline.policy import opportunity_for_user
from tests.factories import OpportunityFactory, UserFactory

from .evidence import evidence_up_to

pytestmark = pytest.mark.django_db

# fmt: off
ROLES = [
    "owner", "project_member", "teammate", "supervisor", "other_supervisor",
    "other_salesperson", "branch_gm", "finance", "executive", "admin",
]
# fmt: on

ACTIONS = {
    "view": lambda w: opportunity_for_user(w.user, w.deal.pk),
    "load_for_edit": lambda w: opportunity_for_user(w.user, w.deal.pk, write=True),
    "update": lambda w: services.opportunity_update(
        opportunity=w.deal, version=None, by=w.user, note="备注"
    ),
    "advance": lambda w: services.opportunity_advance(opportunity=w.deal, to_stage="S3", by=w.user),
    "lose": lambda w: services.opportunity_lose(opportunity=w.deal, by=w.user, reason="r"),
    "override": lambda w: services.opportunity_override(
        opportunity=w.deal, to_stage="S4", by=w.user, reason="r"
    ),
    "reassign": lambda w: services.opportunity_update(
        opportunity=w.deal, version=None, by=w.user, owner=w.cast.teammate
    ),
    "attest": lambda w: services.attestation_add(
        opportunity=w.deal, criterion="S4.1", by=w.user, note="n"
    ),
    "approve_initiation": lambda w: services.initiation_approve(
        request=w.request, by=w.user, project_manager=w.cast.teammate
    ),
    "quote": lambda w: services.quote_add(
        opportunity=w.deal, by=w.user, software_fee=1, implementation_fee=1, service_fee=1
    ),
    "record_payment": lambda w: services.payment_record(
        contract=w.contract, amount=1, received_on=timezone.localdate(), by=w.user
    ),
    "confirm_payment": lambda w: services.payment_confirm(payment=w.payment, by=w.user),
}

# action: expected outcome per role, in the order of ROLES
# fmt: off
MATRIX = {
    "view":               ["ok",  "ok",  404, "ok", 404, 404, "ok", "ok", "ok", "ok"],
    "load_for_edit":      ["ok",  "ok",  404, 403,  404, 404, 403,  403,  403,  403],
    "update":             ["ok",  "ok",  404, 403,  404, 404, 403,  403,  403,  403],
    "advance":            ["ok",  "ok",  404, 403,  404, 404, 403,  403,  403,  403],
    "lose":               ["ok",  "ok",  404, 403,  404, 404, 403,  403,  403,  403],
    "override":           [403,   403,   404, "ok", 404, 404, "ok", 403,  403,  403],
    "reassign":           [403,   403,   404, "ok", 404, 404, "ok", 403,  403,  "ok"],
    "attest":             ["ok",  "ok",  404, 403,  404, 404, 403,  403,  403,  403],
    "approve_initiation": [403,   403,   404, "ok", 404, 404, "ok", 403,  403,  403],
    "quote":              ["ok",  "ok",  404, 403,  404, 404, 403,  403,  403,  403],
    "record_payment":     ["ok",  "ok",  404, 403,  404, 404, 403,  403,  403,  403],
    "confirm_payment":    [403,   403,   403, 403,  403, 403, 403,  "ok", 403,  403],
}
# fmt: on
OUTCOME = {403: NotAllowed, 404: NotFound}


class World:
    def __init__(self, cast, role):
        self.cast = cast
        self.deal = OpportunityFactory(owner=cast.salesperson, expected_close=date(2027, 12, 31))
        evidence_up_to(self.deal, "S3")
        member = UserFactory(username="member", team=cast.other_salesperson.team)
        self.deal.team.create(person=member, role="presales")
        self.request = services.initiation_submit(
            opportunity=self.deal, by=cast.salesperson, requirements="ERP"
        )
        today = timezone.localdate()
        self.contract = services.contract_sign(
            opportunity=self.deal,
            signed_on=today,
            amount=100,
            payment_terms="一次付清",
            installments=[(today + timedelta(days=10), 100)],
            by=cast.salesperson,
        )
        self.payment = services.payment_record(
            contract=self.contract, amount=10, received_on=today, by=cast.salesperson
        )
        self.deal.refresh_from_db()
        self.user = {"owner": cast.salesperson, "project_member": member}.get(role) or getattr(
            cast, role
        )


CASES = [
    pytest.param(action, role, expected, id=f"{action}-{role}")
    for action, row in MATRIX.items()
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.mark.parametrize("action, role, expected", CASES)
def test_permission_matrix(cast, action, role, expected):
    world = World(cast, role)
    if expected == "ok":
        ACTIONS[action](world)
    else:
        with pytest.raises(OUTCOME[expected]) as refused:
            ACTIONS[action](world)
        assert type(refused.value) is OUTCOME[expected]
        assert refused.value.status == expected
