"""Issue 16: every page × every role, and a record one may not see answers exactly as one
that does not exist.

The URLs come from the resolver: a page added to salespath/web/urls.py without a rule here
fails `test_every_page_has_a_rule`, so it cannot go unchecked. The world: 李明 (team 1)
and 陈静 (team 2) each have a customer, a deal with a contract, an unconfirmed payment, a
pending initiation request, and a notification; a presales consultant is on 李明's project
team. For every role, each page is asked for each of the two records and for one that does
not exist: a record the role may not see must answer with the same status and the same body
as the missing one (ids and per-response tokens aside), never naming it, and a POST to it
must write nothing. One test per role lists every difference at once.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from salespath.errors import NotFound
from salespath.forecast.services import forecast_submit
from salespath.notifications.models import Notification
from salespath.org.models import Role
from salespath.org.scopes import resolve_scope
from salespath.pipeline import services
from salespath.pipeline.models import Contract, InitiationRequest, Payment
from salespath.policy import visible_customers, visible_opportunities, visible_people
from salespath.roadmap.models import PhaseEnd
from salespath.roadmap.services import phase_end_record
from salespath.web import inbox
from salespath.web.queries import BOARD_STAGES
from salespath.web.roadmap_access import roadmap_url
from salespath.web.views.customers import CUSTOMER_ACTIONS
from salespath.web.work import WORK_FORMS
from tests.factories import CustomerFactory, OpportunityFactory, UserFactory, written

pytestmark = pytest.mark.django_db

ROLES = [
    "salesperson",
    "teammate",
    "supervisor",
    "other_salesperson",
    "other_supervisor",
    "branch_gm",
    "finance",
    "executive",
    "presales",
    "admin",
]
MISSING = 987654
MISSING_NAME = "nobody-at-all"


# --- the rules -------------------------------------------------------------------------
# kind: what the URL's id names ("none" for a page without one). method: what a person sends.
# GET pages without an id answer 200 to every role unless `refused` names the roles that get
# 403 ("seen but not allowed": a page for some roles only).

SUPERVISORS_AND_GMS = {"supervisor", "other_supervisor", "branch_gm"}


@dataclass(frozen=True)
class Rule:
    kind: str = "none"
    method: str = "GET"
    allowed: frozenset[str] | None = None  # roles that get 200; the others 403
    extra: dict = field(default_factory=dict)


def _only(*roles: str) -> frozenset[str]:
    return frozenset(roles)


LEADERS = _only("supervisor", "other_supervisor", "branch_gm", "executive", "admin")

RULES: dict[str, Rule] = {
    "home": Rule(),
    "login": Rule(kind="login"),
    "logout": Rule(kind="logout"),
    "pipeline": Rule(),
    "board": Rule(),
    "board_column": Rule(kind="stage"),
    "opportunity": Rule(kind="opportunity"),
    "opportunity_move": Rule(kind="opportunity", method="POST"),
    "criterion_attest": Rule(kind="opportunity", method="POST"),
    "opportunity_edit": Rule(kind="opportunity", method="POST"),
    "activity_log": Rule(kind="opportunity", method="POST"),
    "initiation_submit": Rule(kind="opportunity", method="POST"),
    "opportunity_work": Rule(kind="opportunity", method="POST", extra={"action": WORK_FORMS}),
    "customers": Rule(),
    "customer_new": Rule(),
    "customer": Rule(kind="customer"),
    "customer_action": Rule(kind="customer", method="POST", extra={"action": CUSTOMER_ACTIONS}),
    "opportunity_new": Rule(),
    "customer_choices": Rule(),  # the customer picker: only the viewer's customers
    "people": Rule(),  # the person picker's suggestions: the company's active people by name
    "initiations": Rule(allowed=frozenset(SUPERVISORS_AND_GMS)),
    "initiation_decide": Rule(kind="initiation", method="POST"),
    "payments": Rule(allowed=_only("finance")),
    "payment_confirm": Rule(kind="payment", method="POST"),
    "reports": Rule(),
    "forecast": Rule(),
    "forecast_cell": Rule(),
    "forecast_xlsx": Rule(),
    "forecast_submit": Rule(kind="own", method="POST"),
    "evaluation": Rule(),
    "evaluation_xlsx": Rule(),
    "submissions": Rule(),
    "forecast_changes": Rule(),
    "accuracy": Rule(),
    "funnel": Rule(),
    "attainment": Rule(),
    "roadmap": Rule(kind="redirect"),
    "roadmap_grid": Rule(allowed=LEADERS),
    "roadmap_person": Rule(kind="person"),
    "roadmap_sign_off": Rule(kind="person", method="POST"),
    "import": Rule(allowed=_only("admin")),
    "notifications": Rule(),
    "notification_preferences": Rule(kind="own", method="POST"),
    "notification_bell": Rule(),
    "notifications_read_all": Rule(kind="own", method="POST"),
    "notification_read": Rule(kind="notification", method="POST"),
    "phase_ends": Rule(),  # everyone's own list: empty but for supervisors and GMs
    "phase_end_sign": Rule(kind="phase_end", method="POST"),
}


def web_url_names() -> list[str]:
    """Every named URL of the web app, as the resolver knows it."""
    names = []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "web":
                names.append(entry.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_page_has_a_rule():
    names = web_url_names()
    assert names, "the resolver lists no web page"
    assert sorted(set(names) - set(RULES)) == [], "pages without a rule in this matrix"
    assert sorted(set(RULES) - set(names)) == [], "rules for pages that no longer exist"


# --- the world ---------------------------------------------------------------------------


@dataclass
class Side:
    """One salesperson's records: what one role sees and another does not."""

    owner: object
    customer: object
    opportunity: object
    payment: object
    initiation: object
    notification: object
    phase_end: object
    secrets: tuple[str, ...]


def _side(owner, tag: str) -> Side:
    customer = CustomerFactory(owner=owner, name=f"{tag}客户机密", name_en=f"{tag}-customer")
    opportunity = OpportunityFactory(
        owner=owner,
        customer=customer,
        name=f"{tag}机密项目",
        name_en=f"{tag}-secret-deal",
        amount=Decimal("500000.00"),
        expected_close=date(2026, 9, 30),
    )
    contract = Contract.objects.create(
        opportunity=opportunity,
        signed_on=date(2026, 3, 1),
        amount=Decimal("500000.00"),
        payment_terms="100%",
        created_by=owner,
    )
    written(opportunity)  # its signing date, copied as `contract_sign` does
    payment = Payment.objects.create(
        contract=contract,
        amount=Decimal("123456.00"),
        received_on=date(2026, 3, 10),
        recorded_by=owner,
        recorded_at=timezone.now(),
    )
    initiation = services.initiation_submit(
        opportunity=opportunity, by=owner, requirements=f"{tag}需求机密"
    )
    notification = Notification.objects.create(
        recipient=owner,
        kind="test",
        key=f"matrix-{tag}",
        title=f"{tag}通知机密",
        created_at=timezone.now(),
    )
    phase_end = phase_end_record(person=owner, phase="P1", ended_on=date(2026, 3, 31))
    return Side(
        owner=owner,
        customer=customer,
        opportunity=opportunity,
        payment=payment,
        initiation=initiation,
        notification=notification,
        phase_end=phase_end,
        secrets=(f"{tag}客户机密", f"{tag}机密项目", f"{tag}-secret-deal", f"{tag}通知机密"),
    )


@pytest.fixture
def world(cast):
    presales = UserFactory(
        username="ma", display_name="马售前", team=cast.salesperson.team, roles=["presales"]
    )
    sides = [_side(cast.salesperson, "甲"), _side(cast.other_salesperson, "乙")]
    services.team_member_add(
        opportunity=sides[0].opportunity, person=presales, role="presales", by=cast.salesperson
    )
    people = {name: getattr(cast, name) for name in ROLES if name != "presales"}
    people["presales"] = presales
    return people, sides


def _ids(kind: str, side: Side) -> dict:
    return {
        "opportunity": side.opportunity.pk,
        "customer": side.customer.pk,
        "payment": side.payment.pk,
        "initiation": side.initiation.pk,
        "notification": side.notification.pk,
        "phase_end": side.phase_end.pk,
        "person": side.owner.username,
    }[kind]


def _sees(user, kind: str, side: Side) -> bool:
    if kind == "opportunity":
        return visible_opportunities(user).filter(pk=side.opportunity.pk).exists()
    if kind == "customer":
        return visible_customers(user).filter(pk=side.customer.pk).exists()
    if kind == "payment":
        return visible_opportunities(user).filter(pk=side.opportunity.pk).exists()
    if kind == "initiation":
        return any(r.pk == side.initiation.pk for r in inbox.initiations_to_decide(user))
    if kind == "notification":
        return side.notification.recipient_id == user.pk
    if kind == "phase_end":
        return any(e.pk == side.phase_end.pk for e in inbox.phase_ends_to_sign(user))
    if kind == "person":
        return visible_people(user).filter(pk=side.owner.pk).exists()
    raise AssertionError(kind)


def _url(name: str, kind: str, key, extra: dict) -> str:
    if kind == "person":
        return reverse(f"web:{name}", kwargs={"username": key, **extra})
    return reverse(f"web:{name}", kwargs={"pk": key, **extra})


TOKENS = [
    re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(rb'"X-CSRFToken": "[^"]*"'),
    re.compile(rb'nonce="[^"]*"'),
    re.compile(rb'<meta name="csrf-token" content="[^"]*"'),
]


def _content(response) -> bytes:
    """The body; for a workbook its cells, since the file itself carries the time it was
    written (document properties and zip entries)."""
    if "spreadsheetml" not in response.get("Content-Type", ""):
        return response.content
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = [
        (sheet.title, row)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]
    return repr(cells).encode()


def _shape(response, url: str, key) -> tuple:
    """Status, where it redirects to and the body, with the asked URL and its id taken out
    (they differ by construction) and the per-response tokens blanked."""
    body = _content(response).replace(url.encode(), b"URL")
    for token in TOKENS:
        body = token.sub(b"TOKEN", body)
    location = response.get("Location", "").replace(url, "URL")
    location = re.sub(rf"/{re.escape(str(key))}/", "/ID/", location)
    return response.status_code, location, body


def _written() -> tuple:
    """Everything a stray POST could change: row counts of every table of the app, and the
    state of the records the pages act on."""
    counts = tuple(
        model.objects.count()
        for model in apps.get_models()
        if model.__module__.startswith("salespath.")
    )
    states = (
        tuple(Payment.objects.values_list("pk", "confirmed_at").order_by("pk")),
        tuple(InitiationRequest.objects.values_list("pk", "status").order_by("pk")),
        tuple(Notification.objects.values_list("pk", "read_at").order_by("pk")),
        tuple(PhaseEnd.objects.values_list("pk", "signed_at").order_by("pk")),
    )
    return counts, states


def _send(client, method: str, url: str, headers: dict):
    if method == "GET":
        return client.get(url, **headers)
    return client.post(url, {}, **headers)


HTMX = {"HTTP_HX_REQUEST": "true"}


def _check_fixed_page(client, user, name: str, rule: Rule) -> list[str]:
    """Pages without a record in their URL that are not plain pages: the roadmap entry
    (a redirect to one's own roadmap or the grid, 403 for who has none), a board column
    (a stage that does not exist is 404), and the POST-only forms on one's own data, whose
    GET sends back to their page (302) or is not allowed (405)."""
    if rule.kind == "redirect":
        expected = {reverse(f"web:{name}"): 302 if roadmap_url(user) else 403}
    elif rule.kind == "stage":
        expected = {
            reverse(f"web:{name}", kwargs={"stage": BOARD_STAGES[0]}): 200,
            reverse(f"web:{name}", kwargs={"stage": "S99"}): 404,
        }
    else:
        expected = {reverse(f"web:{name}"): (302, 405)}
    problems = []
    for url, status in expected.items():
        answered = client.get(url).status_code
        if answered not in (status if isinstance(status, tuple) else (status,)):
            problems.append(f"GET {url}: {answered}, expected {status}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_each_page_answers_by_its_rule_and_hides_what_the_role_may_not_see(role, world, client):
    people, sides = world
    user = people[role]
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    problems: list[str] = []
    missing_answers: dict = {}  # (URL, htmx?) → the answer for the id that does not exist

    for name, rule in RULES.items():
        if rule.kind in ("login", "logout"):
            continue
        if rule.kind in ("redirect", "stage", "own"):
            problems.extend(_check_fixed_page(client, user, name, rule))
            continue
        if rule.kind == "none":
            url = reverse(f"web:{name}")
            response = client.get(url)
            expected = 200 if rule.allowed is None or role in rule.allowed else 403
            if response.status_code != expected:
                problems.append(f"GET {url}: {response.status_code}, expected {expected}")
            continue
        actions = list(rule.extra.get("action", {None: None}))
        for action in actions:
            extra = {"action": action} if action else {}
            missing_key = MISSING_NAME if rule.kind == "person" else MISSING
            missing_url = _url(name, rule.kind, missing_key, extra)
            for side in sides:
                key = _ids(rule.kind, side)
                url = _url(name, rule.kind, key, extra)
                if _sees(user, rule.kind, side):
                    if rule.method == "POST":
                        continue  # what a permitted POST does is the other tests' business
                    response = client.get(url)
                    if response.status_code not in (200, 403):
                        problems.append(f"GET {url} (visible): {response.status_code}")
                    continue
                # htmx asks once per URL pattern (its answer takes the same path for each
                # action of the pattern), plain requests for every action
                variants = ({}, HTMX) if action == actions[0] else ({},)
                for headers in variants:
                    before = _written() if rule.method == "POST" else None
                    hidden = _send(client, rule.method, url, headers)
                    if before is not None and _written() != before:
                        problems.append(f"POST {url} (invisible) wrote to the database")
                    asked = (missing_url, bool(headers))
                    if asked not in missing_answers:
                        missing_answers[asked] = _send(client, rule.method, missing_url, headers)
                    missing = missing_answers[asked]
                    shown = _shape(hidden, url, key)
                    absent = _shape(missing, missing_url, missing_key)
                    how = f"{rule.method} {url}{' (htmx)' if headers else ''}"
                    if shown[:2] != absent[:2]:
                        problems.append(
                            f"{how}: invisible answers {shown[:2]}, missing {absent[:2]}"
                        )
                    elif shown[2] != absent[2]:
                        problems.append(f"{how}: invisible and missing bodies differ")
                    if shown[0] not in (302, 404):
                        problems.append(f"{how}: invisible answers {shown[0]}")
                    leaked = [s for s in side.secrets if s.encode() in hidden.content]
                    if leaked:
                        problems.append(f"{how}: names the hidden record ({leaked})")
    assert problems == [], "\n".join(problems)


def test_a_person_who_is_not_logged_in_is_sent_to_the_login_page(world, client):
    people, sides = world
    for name, rule in RULES.items():
        if rule.kind in ("login", "logout"):
            continue
        extra = {"action": next(iter(rule.extra["action"]))} if rule.extra else {}
        if rule.kind == "stage":
            url = reverse(f"web:{name}", kwargs={"stage": "S1"})
        elif rule.kind in ("none", "redirect", "own"):
            url = reverse(f"web:{name}")
        else:
            url = _url(name, rule.kind, _ids(rule.kind, sides[0]), extra)
        before = _written()
        response = _send(client, rule.method, url, {})
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("web:login")), url
        assert _written() == before, url


# --- /admin/ -----------------------------------------------------------------------------


def _admin_urls(sides) -> list[str]:
    """The admin's index, every registered model's list, and the change pages of the
    records of both sides."""
    urls = ["/admin/"]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    for side in sides:
        for record in (side.opportunity, side.customer, side.payment, side.owner):
            meta = record._meta
            urls.append(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
            )
    return urls


def test_only_the_administrator_gets_an_admin_page(world, client):
    people, sides = world
    administrator = people["admin"]  # as the demo and `createsuperuser` make one
    administrator.is_superuser = administrator.is_staff = True
    administrator.save(update_fields=["is_superuser", "is_staff"])
    for person in people.values():  # a staff flag alone (an old database) opens nothing
        if person != administrator:
            person.is_staff = True
            person.save(update_fields=["is_staff"])
    urls = _admin_urls(sides)
    problems = []
    for role in ROLES:
        client.force_login(people[role])
        for url in urls:
            response = client.get(url)
            if people[role].has_role(Role.ADMIN):
                if response.status_code != 200:
                    problems.append(f"{role} GET {url}: {response.status_code}")
            elif response.status_code != 302 or not response["Location"].startswith(
                "/admin/login/"
            ):
                problems.append(f"{role} GET {url}: {response.status_code}, not the login")
    assert problems == [], "\n".join(problems)


# --- scopes named in the query string ------------------------------------------------------

# The person picker's suggestions: its `person` is the text being typed, not whose figures to
# show; it names the company's active people to everyone, as a select of every person on the
# deal page did before it (tests/web/test_work.py).
DIRECTORY = {"people"}
SCOPED_ROLES = ["salesperson", "teammate", "other_supervisor", "branch_gm", "presales"]


def _scope_probes(cast, sides) -> list[tuple[str, str, str]]:
    """(what, hidden value, missing value) for every way a page is told whose figures to show."""
    other = sides[1].owner
    probes = [
        ("scope", f"person:{other.username}", f"person:{MISSING_NAME}"),
        ("scope", f"team:{other.team.code}", "team:no-such-team"),
        ("scope", f"branch:{cast.admin.branch.code}", "branch:no-such-branch"),
        ("person", other.username, MISSING_NAME),
    ]
    return probes


def _scope_visible(user, value: str) -> bool:
    kind, _, key = value.partition(":") if ":" in value else ("person", "", value)
    try:
        resolve_scope(user, **{kind: key})
    except NotFound:
        return False
    return True


def _unnamed(body: bytes, value: str) -> bytes:
    """The body without the value asked for, as typed and as the page's links quote it (an
    id is left alone: its digits occur elsewhere on any page)."""
    if value.isdigit():
        return body
    for form in (value, quote(value)):
        body = body.replace(form.encode(), b"KEY")
    return body


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_a_scope_the_role_may_not_see_answers_like_one_that_does_not_exist(
    role, world, cast, client
):
    people, sides = world
    user = people[role]
    client.force_login(user)
    problems = []
    other = sides[1].owner
    hidden_submission = forecast_submit(person=other, as_of=date(2026, 3, 31), by=other)
    unseen = [s for side in sides if not _sees(user, "opportunity", side) for s in side.secrets]
    pages = [
        reverse(f"web:{name}")
        for name, rule in RULES.items()
        if rule.kind == "none" and name not in DIRECTORY
    ]
    for page in pages:
        probes = _scope_probes(cast, sides)
        if page == reverse("web:forecast_changes"):
            probes.append(("earlier", str(hidden_submission.pk), str(MISSING)))
        if page == reverse("web:forecast_cell"):  # the drill-down's row
            probes.append(("level=person&key", other.username, MISSING_NAME))
            probes.append(("level=team&key", other.team.code, "no-such-team"))
        for parameter, hidden_value, missing_value in probes:
            whose = {
                "earlier": other.username,
                "level=person&key": other.username,
                "level=team&key": f"team:{other.team.code}",
            }.get(parameter, hidden_value)
            if _scope_visible(user, whose):
                continue
            hidden_url = f"{page}?{parameter}={hidden_value}"
            missing_url = f"{page}?{parameter}={missing_value}"
            hidden, missing = client.get(hidden_url), client.get(missing_url)
            shown = _shape(hidden, hidden_url, hidden_value)
            absent = _shape(missing, missing_url, missing_value)
            shown_body, absent_body = (
                _unnamed(shown[2], hidden_value),
                _unnamed(absent[2], missing_value),
            )
            if shown[:2] != absent[:2]:
                problems.append(f"GET {hidden_url}: {shown[:2]}, missing {absent[:2]}")
            elif shown_body != absent_body:
                problems.append(f"GET {hidden_url}: invisible and missing bodies differ")
            leaked = [secret for secret in unseen if secret.encode() in hidden.content]
            if leaked:
                problems.append(f"GET {hidden_url}: names hidden records ({leaked})")
    assert problems == [], "\n".join(problems)
