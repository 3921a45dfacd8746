"""Every report page, workbook and report form takes its dates and quarters through the one
parser the API and the commands use (`salespath.org.dates`): a date outside 2000–2100, a
date that is not one, or a quarter like 9999Q4 is a 400 naming the value, never a 500."""

from datetime import date

import pytest
from django.urls import get_resolver, reverse

from salespath.errors import DomainError
from salespath.forecast.services import forecast_submit
from salespath.org.dates import parse_day, parse_fiscal_quarter

pytestmark = pytest.mark.django_db

BAD_DATES = ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01", "2026-02-30", "soon"]
BAD_QUARTERS = ["9999Q4", "0001Q1", "1999Q4", "2101Q1", "2026Q5", "soon"]
BAD_PERIODS = [
    {"from": "0001-01-01", "to": "9999-12-31"},
    {"from": "9999-12-31"},
    {"to": "0001-01-01"},
    {"from": "2026-06-01", "to": "2026-01-01"},
    {"from": "soon"},
]


@pytest.fixture
def pages(cast):
    """Each report page by URL name: its URL and the parameter its date or quarter goes in."""
    submission = forecast_submit(
        person=cast.salesperson, as_of=date(2026, 1, 5), by=cast.supervisor
    )
    person = reverse("web:roadmap_person", args=[cast.salesperson.username])
    return {
        "forecast": (reverse("web:forecast"), "as_of", {}),
        "forecast_cell": (reverse("web:forecast_cell"), "as_of", {}),
        "forecast_xlsx": (reverse("web:forecast_xlsx"), "as_of", {}),
        "evaluation": (reverse("web:evaluation"), "as_of", {}),
        "evaluation_xlsx": (reverse("web:evaluation_xlsx"), "as_of", {}),
        "submissions": (reverse("web:submissions"), "as_of", {}),
        "forecast_changes": (
            reverse("web:forecast_changes"),
            "as_of",
            {"earlier": submission.pk},
        ),
        "roadmap_grid": (reverse("web:roadmap_grid"), "as_of", {}),
        "roadmap_person": (person, "as_of", {}),
        "accuracy": (reverse("web:accuracy"), "quarter", {}),
        "funnel": (reverse("web:funnel"), "period", {}),
        "attainment": (reverse("web:attainment"), "period", {}),
    }


def report_url_names() -> set[str]:
    """Every page of the site under reports/ or roadmap/ that is read with GET."""
    found = set()
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) != "web":
            continue
        for inner in pattern.url_patterns:
            route = str(inner.pattern)
            if route.startswith(("reports/", "roadmap/")) and not route.endswith(
                ("submit/", "sign-off/")
            ):
                found.add(inner.name)
    return found - {"reports", "roadmap"}  # the index and the redirect take no date


def test_the_table_covers_every_report_page(pages):
    assert report_url_names() == set(pages)


def test_every_report_page_refuses_extreme_dates_with_a_400_naming_them(cast, client, pages):
    client.force_login(cast.executive)
    client.cookies["django_language"] = "en"
    answers = {}
    for name, (url, kind, extra) in pages.items():
        if kind == "as_of":
            cases = [{"as_of": value} for value in BAD_DATES]
        elif kind == "quarter":
            cases = [{"quarter": value} for value in BAD_QUARTERS]
        else:
            cases = BAD_PERIODS
        for params in cases:
            response = client.get(url, {**extra, **params})
            text = response.content.decode()
            named = all(value in text for value in params.values()) or "ends before" in text
            answers[(name, tuple(params.items()))] = (response.status_code, named)
    wrong = {key: answer for key, answer in answers.items() if answer != (400, True)}
    assert not wrong, wrong


def test_the_years_2000_and_2100_themselves_are_reports(cast, client, pages):
    client.force_login(cast.executive)
    for name, (url, kind, extra) in pages.items():
        if kind == "as_of":
            cases = [{"as_of": "2000-01-01"}, {"as_of": "2100-12-31"}]
        elif kind == "quarter":
            cases = [{"quarter": "2000Q1"}, {"quarter": "2100Q4"}]
        else:
            cases = [{"from": "2000-01-01", "to": "2100-12-31"}]
        for params in cases:
            assert client.get(url, {**extra, **params}).status_code == 200, (name, params)


def test_a_forecast_submission_dated_out_of_range_is_refused_not_made_today(cast, client):
    client.force_login(cast.supervisor)
    response = client.post(
        reverse("web:forecast_submit"),
        {"as_of": "9999-12-31", "scope": f"person:{cast.salesperson.username}"},
        follow=True,
    )
    assert response.status_code == 200
    assert "9999-12-31" in response.content.decode()
    assert not cast.salesperson.forecast_submissions.exists()


@pytest.mark.parametrize(
    "url, params",
    [
        ("/api/v1/reports/forecast/", {"as_of": "9999-12-31"}),
        ("/api/v1/reports/evaluation/", {"as_of": "0001-01-01"}),
        ("/api/v1/reports/roadmap/", {"as_of": "2101-01-01"}),
        ("/api/v1/reports/forecast-accuracy/", {"quarter": "9999Q4"}),
        ("/api/v1/reports/forecast-submissions/", {"as_of": "1999-12-31"}),
    ],
)
def test_the_api_refuses_the_same_values_in_its_error_shape(cast, client, url, params):
    client.force_login(cast.executive)
    response = client.get(url, params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_the_commands_refuse_them_with_the_same_words(value):
    from django.core.management import CommandError, call_command

    with pytest.raises(DomainError) as parsed:
        parse_day(value, field="--as-of")
    for command in ("forecast", "evaluation", "roadmap"):
        with pytest.raises(CommandError) as refused:
            call_command(command, "--as-of", value)
        assert str(refused.value) == parsed.value.message


def test_the_quarter_parser_keeps_to_the_years_reports_cover():
    assert str(parse_fiscal_quarter("2100Q4")) == "2100Q4"
    for value in BAD_QUARTERS:
        with pytest.raises(DomainError):
            parse_fiscal_quarter(value)
