"""Reports through the API: the same JSON as the management commands for the same inputs,
Excel where the forecast app writes it, and clear refusals for bad parameters."""

import copy
import io
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from salespath.forecast.services import forecast_submit
from tests.conftest import Cast, make_cast, rows_for_the_module
from tests.factories import LineFactory, OpportunityFactory, ProductFactory

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 3, 31)


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker) -> Iterator[Cast]:
    """The cast and four deals, written once for the module's tests."""
    with rows_for_the_module(django_db_blocker):
        cast = make_cast()
        erp = ProductFactory(code="erp")
        for owner, close, category in (
            (cast.salesperson, date(2026, 5, 15), "commit"),
            (cast.salesperson, date(2026, 11, 30), "best_case"),
            (cast.teammate, date(2026, 4, 30), "pipeline"),
            (cast.other_salesperson, date(2026, 6, 30), "commit"),
        ):
            opportunity = OpportunityFactory(
                owner=owner, expected_close=close, forecast_category=category, probability=40
            )
            LineFactory(opportunity=opportunity, product=erp, amount=Decimal("250000.00"))
            opportunity.amount = Decimal("250000.00")
            opportunity.save()
        yield cast


@pytest.fixture
def pipeline(_built, db) -> Cast:
    return copy.deepcopy(_built)


def command_json(name: str, *args: str) -> object:
    out = io.StringIO()
    call_command(name, *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("query", "arguments"),
    [
        ("view=time", ["--view", "time"]),
        ("view=category&by=team", ["--view", "category", "--by", "team"]),
        (
            "view=category&by=product&weighted=true",
            ["--view", "category", "--by", "product", "--weighted"],
        ),
        ("view=both&team=gz-1", ["--view", "both", "--team", "gz-1"]),
    ],
)
def test_forecast_report_is_the_commands_json(pipeline, api, query, arguments):
    response = api(pipeline.branch_gm).get(f"/api/v1/reports/forecast/?as_of={AS_OF}&{query}")
    assert response.status_code == 200
    expected = command_json("forecast", "--as-of", str(AS_OF), "--as", "huang", *arguments)
    assert response.json() == expected


def test_evaluation_sheet_is_the_commands_json(pipeline, api):
    response = api(pipeline.supervisor).get(f"/api/v1/reports/evaluation/?as_of={AS_OF}")
    assert response.status_code == 200
    assert response.json() == command_json("evaluation", "--as-of", str(AS_OF), "--as", "zhao")
    assert len(response.json()["rows"]) == 3  # the team's, not the other team's


def test_roadmap_and_integrity_are_the_commands_json(pipeline, api):
    client = api(pipeline.supervisor)
    roadmap = client.get(f"/api/v1/reports/roadmap/?as_of={AS_OF}&team=gz-1")
    assert roadmap.status_code == 200
    assert roadmap.json() == command_json(
        "roadmap", "--as-of", str(AS_OF), "--team", "gz-1", "--as", "zhao"
    )
    integrity = client.get("/api/v1/reports/integrity/")
    assert integrity.status_code == 200
    assert integrity.json() == command_json("integrity", "--as", "zhao")


def test_forecast_changes_accuracy_and_submissions_are_the_commands_json(pipeline, api):
    li = pipeline.salesperson
    today = timezone.localdate()
    forecast_submit(person=li, as_of=today, by=li)
    client = api(pipeline.supervisor)

    changes = client.get(f"/api/v1/reports/forecast-changes/?person=li&from={today}")
    assert changes.status_code == 200
    assert changes.json() == command_json(
        "forecast-changes", "--person", "li", "--from", str(today), "--as", "zhao"
    )

    accuracy = client.get("/api/v1/reports/forecast-accuracy/?quarter=2026Q1&team=gz-1")
    assert accuracy.status_code == 200
    assert accuracy.json() == command_json(
        "forecast-accuracy", "--quarter", "2026Q1", "--team", "gz-1", "--as", "zhao"
    )

    submitted = client.get(f"/api/v1/reports/forecast-submissions/?as_of={today}")
    assert submitted.status_code == 200
    assert submitted.json() == command_json(
        "forecast-submissions", "--team", "gz-1", "--as-of", str(today), "--as", "zhao"
    )
    assert submitted.json()["submitted"] == ["li"]


@pytest.mark.parametrize("report", ["forecast", "evaluation"])
def test_forecast_and_evaluation_come_as_excel_workbooks(pipeline, api, report):
    response = api(pipeline.executive).get(f"/api/v1/reports/{report}/?as_of={AS_OF}&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert f"{report}-{AS_OF}.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.active.max_row > 3


def test_a_refused_excel_request_answers_in_json(pipeline, api):
    response = api(pipeline.salesperson).get("/api/v1/reports/forecast/?team=gz-2&format=xlsx")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_a_report_without_excel_says_so(pipeline, api):
    response = api(pipeline.executive, language="en").get("/api/v1/reports/roadmap/?format=xlsx")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["format"] == ["This report comes as json."]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("forecast/?as_of=31-03-2026", "as_of"),
        ("forecast/?view=weekly", "view"),
        ("forecast/?by=customer", "by"),
        ("forecast-accuracy/?quarter=2026Q5", "quarter"),
        ("forecast-changes/", "from"),
        ("forecast-changes/?from=2026-03-31&to=2026-04-30&live_as_of=2026-05-01", "live_as_of"),
        ("roadmap/?page=0", "page"),
        ("roadmap/?page=two", "page"),
        ("roadmap/?page=1&page_size=501", "page_size"),
        ("evaluation/?page=-1", "page"),
        ("integrity/?page_size=0", "page_size"),
    ],
)
def test_bad_report_parameters_are_a_400_naming_the_parameter(pipeline, api, url, field):
    response = api(pipeline.executive).get(f"/api/v1/reports/{url}")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "url",
    [
        "forecast/?team=gz-2",
        "evaluation/?branch=gz",
        "roadmap/?person=chen",
        "integrity/?team=no-such-team",
        "forecast-changes/?person=chen&from=2026-03-31",
        "forecast-accuracy/?quarter=2026Q1&team=gz-2",
        "forecast-submissions/?team=gz-2",
    ],
)
def test_a_scope_the_caller_may_not_see_is_not_found(pipeline, api, url):
    response = api(pipeline.supervisor).get(f"/api/v1/reports/{url}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_salesperson_sees_only_their_own_forecast_by_default(pipeline, api):
    report = api(pipeline.salesperson).get(f"/api/v1/reports/forecast/?as_of={AS_OF}").json()
    assert report["scope"]["kind"] == "person"
    assert {row["key"] for row in report["rows"] if row["level"] == "person"} == {"li"}


def test_forecast_report_query_count_does_not_grow_with_the_pipeline(
    pipeline, api, django_assert_num_queries
):
    client = api(pipeline.executive)
    client.get("/api/v1/reports/forecast/")  # the token's first use is recorded once
    # the token, the roles; then from the rollup (nothing happened after the day): whether
    # it covers the day, the day rows' mark, the month rollup (every D + 3k months is a month
    # end: no boundary days to move), the people, the overdue list
    with django_assert_num_queries(7):
        client.get(f"/api/v1/reports/forecast/?as_of={AS_OF}")
    for _ in range(10):
        OpportunityFactory(owner=pipeline.teammate, expected_close=date(2026, 5, 1))
    with django_assert_num_queries(7):
        client.get(f"/api/v1/reports/forecast/?as_of={AS_OF}")


def test_report_refusals_speak_chinese_by_default(pipeline, api):
    response = api(pipeline.executive).get("/api/v1/reports/integrity/?format=xlsx")
    assert response.json()["error"]["message"] == "此报表仅提供 json 格式。"


def test_the_roadmap_report_comes_a_page_at_a_time_when_asked(pipeline, api):
    client = api(pipeline.executive)
    everyone = client.get(f"/api/v1/reports/roadmap/?as_of={AS_OF}").json()
    names = [person["person"] for person in everyone["people"]]
    assert len(names) >= 3 and everyone["count"] == len(names) and everyone["pages"] == 1
    second = client.get(f"/api/v1/reports/roadmap/?as_of={AS_OF}&page=2&page_size=2").json()
    assert [person["person"] for person in second["people"]] == names[2:4]
    assert second["people"] == everyone["people"][2:4]
    assert (second["count"], second["page"]) == (len(names), 2)
    assert second["pages"] == -(-len(names) // 2)


def test_the_evaluation_sheet_comes_a_page_of_people_at_a_time_when_asked(pipeline, api):
    client = api(pipeline.executive)
    whole = client.get(f"/api/v1/reports/evaluation/?as_of={AS_OF}").json()
    owners = sorted({row["owner"] for row in whole["rows"]})
    assert len(owners) >= 2 and (whole["page"], whole["pages"]) == (1, 1)
    first = client.get(f"/api/v1/reports/evaluation/?as_of={AS_OF}&page=1&page_size=1").json()
    rest = client.get(f"/api/v1/reports/evaluation/?as_of={AS_OF}&page=2&page_size=1").json()
    assert first["pages"] >= 2 and first["people"] == whole["people"] == rest["people"]
    assert len({row["owner"] for row in first["rows"]}) == 1
    # the pages, one after the other, are the whole sheet in its order
    pages = [
        client.get(f"/api/v1/reports/evaluation/?as_of={AS_OF}&page={n}&page_size=1").json()
        for n in range(1, first["pages"] + 1)
    ]
    assert [row for page in pages for row in page["rows"]] == whole["rows"]


def test_the_integrity_report_comes_a_page_of_people_at_a_time_when_asked(pipeline, api):
    from salespath.pipeline.services import opportunity_override

    for owner in (pipeline.salesperson, pipeline.teammate, pipeline.other_salesperson):
        opportunity_override(
            opportunity=OpportunityFactory(owner=owner),
            to_stage="S3",
            by=pipeline.supervisor
            if owner != pipeline.other_salesperson
            else pipeline.other_supervisor,
            reason="客户高层已口头确认",
        )
    client = api(pipeline.executive)
    whole = client.get("/api/v1/reports/integrity/").json()
    assert (whole["page"], whole["pages"]) == (1, 1) and whole["flagged"] >= 2
    pages = [
        client.get(f"/api/v1/reports/integrity/?page={n}&page_size=1").json()
        for n in range(1, whole["people"] + 1)
    ]
    assert {page["pages"] for page in pages} == {whole["people"]}
    assert sum(page["checked"] for page in pages) == whole["checked"]
    flagged = sorted(row["opportunity"] for page in pages for row in page["rows"])
    assert flagged == sorted(row["opportunity"] for row in whole["rows"])
    assert all(len({row["owner"] for row in page["rows"]}) <= 1 for page in pages)


@pytest.mark.parametrize("query", ["format=", "format=json&format=xlsx", "format=csv"])
def test_a_format_the_report_does_not_have_is_refused_not_ignored(pipeline, api, query):
    response = api(pipeline.executive, language="en").get(f"/api/v1/reports/forecast/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["format"] == ["This report comes as json or xlsx."]
