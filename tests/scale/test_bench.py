"""The bench command at a tiny size: it runs every measurement and reports each of them."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from salespath.scale.bench import REFERENCE_CPU_MS, Measurement, _normalized, floor_sql
from salespath.scale.generate import generate
from salespath.scale.sizes import SIZES

TODAY = date(2026, 11, 30)
KEYS = [
    "cpu_reference",
    "forecast_company",
    "floor",
    "forecast_company_last_quarter",
    "forecast_company_two_years",
    "forecast_company_mid_month",
    "forecast_team",
    "evaluation_branch",
    "evaluation_branch_last_quarter",
    "kanban_team",
    "opportunity_page",
    "roadmap_50",
    "home_executive",
    "kanban_executive",
    "list_branch_gm",
    "customers_salesperson",
    "forecast_page_executive",
    "forecast_first_visit",
    "evaluation_page_executive",
    "roadmap_page_executive",
    "funnel_executive",
    "funnel_executive_mid_month",
    "integrity_team",
    "integrity_branch",
    "integrity_company_page",
    "integrity_company",
    "evaluation_workbook_company",
    "write_advance",
    "write_activity",
    "import_10k",
    "import_10k_written",
]


@pytest.fixture
def company(db):
    generate(size=SIZES["T"], seed=5, today=TODAY)


def _bench(*extra: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command(
            "bench", "--repeat", "1", "--today", "2026-11-30", "--import-rows", "30", *extra,
            stdout=out, stderr=StringIO(),
        )  # fmt: skip
    return out.getvalue()


def test_one_run_gives_every_measurement_as_json_and_as_a_table(company, tmp_path, monkeypatch):
    """The JSON on the output and the table `--write` keeps, from one run (a run of every
    measurement is the slowest part of this file). The browser's visit needs a server that
    sees this test's data, which only a transactional test has (test_first_visit.py): here
    it says why it is skipped, as on a machine without chromium."""
    monkeypatch.setattr(
        "salespath.scale.first_visit.unavailable", lambda: "chromium is not installed"
    )
    path = tmp_path / "BENCHMARKS.md"
    report = json.loads(_bench("--format", "json", "--write", str(path)))
    assert [r["key"] for r in report["results"]] == KEYS
    visit = report["results"].pop(KEYS.index("forecast_first_visit"))
    assert visit["skipped"] == "chromium is not installed" and visit["median_ms"] is None
    assert visit["met"] is None and visit["runs"] == 0
    for result in report["results"]:
        assert result["median_ms"] > 0 and result["p95_ms"] >= result["median_ms"]
        # every measurement reads the database, but the machine's CPU reference
        writes = result["key"].startswith("write_")  # many calls each, even with --repeat 1
        assert result["runs"] == (30 if writes else 1)
        assert (result["queries"] >= 1) == (result["key"] != "cpu_reference")
        assert result["normalized_ms"] is not None
    # each median as on a day with the targets' CPU speed: the reference itself reads 18 ms
    by_key = {result["key"]: result for result in report["results"]}
    assert by_key["cpu_reference"]["normalized_ms"] == 18.0
    assert report["floor_ratio"] > 0
    assert report["peak_memory_mib"] > 0
    assert report["counts"]["opportunities"] == SIZES["T"].opportunities
    assert report["machine"]["cpus"] >= 1 and report["engine"]
    table = path.read_text()
    for label in [
        "Forecast, company, both views by owner",
        "Floor: one SQL aggregate over the same rows",
        "Forecast, team",
        "Evaluation sheet, branch",
        "Kanban first page, team",
        "Opportunity page #",
        "Roadmap grid, 12 people",
        "Integrity report, team",
        "Import 30 rows (dry run)",
        "Import 30 rows (written, every derived row kept; rolled back)",
        "Integrity report, company, every page",
        "Evaluation workbook, company (xlsx)",
        "Advance a deal one stage (one call, rolled back)",
        "Log an activity on a deal (one call, rolled back)",
        "at reference CPU ms",
        "first visit in Chromium (load event) (skipped: chromium is not installed)",
    ]:
        assert label in table
    assert "forecast ÷ floor" in table


def test_queries_are_counted_after_a_measurement_that_ran_thousands(company):
    """Django keeps the last 9,000 queries: once a measurement (the writes' warm-up) had run
    that many, every later one was reported as running none."""
    from django.db import connection

    connection.queries_log.extend({"sql": "", "time": "0"} for _ in range(9000))
    report = json.loads(_bench("--format", "json", "--only", "floor"))
    assert report["results"][0]["queries"] >= 1


def test_write_adds_one_section_per_engine_and_scale_and_replaces_it(company, tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\nProse kept as written.\n")
    for _ in range(3):
        _bench("--only", "floor", "--scale", "S", "--write", str(path))
    text = path.read_text()
    assert "Prose kept as written." in text
    assert text.count("<!-- bench:") == 1 and "· S" in text
    # the run before stays beside it for comparison, and only that one
    assert text.count("Previous run") == 1 and text.count("| Floor:") == 2


def test_table_speaks_chinese_by_default_and_the_file_stays_english(company, tmp_path):
    out, path = StringIO(), tmp_path / "BENCHMARKS.md"
    call_command(
        "bench", "--repeat", "1", "--today", "2026-11-30", "--only", "forecast_team",
        "--write", str(path), stdout=out, stderr=StringIO(),
    )  # fmt: skip
    assert "销售预测" in out.getvalue()
    assert "Forecast, team" in path.read_text()


def test_bench_without_data_says_what_to_do(db):
    with pytest.raises(CommandError, match="salespath generate"):
        _bench()


def test_the_floor_reads_the_same_business_as_the_forecast(company):
    """On generated data (no reopened deals) the dates on the rows agree with the history."""
    from decimal import Decimal

    from django.db import connection

    from salespath.forecast.queries import forecast
    from salespath.org.scopes import Scope

    with connection.cursor() as cursor:
        cursor.execute(floor_sql(TODAY))
        rows = cursor.fetchall()
    closed = sum(Decimal(row[1]) for row in rows)
    booked = sum(Decimal(row[7]) for row in rows)
    time_view = forecast(Scope("company"), TODAY, "time")
    category_view = forecast(Scope("company"), TODAY, "category")
    assert closed > 0 and booked > 0
    assert Decimal(time_view["total"]["values"]["closed"]) == closed
    assert Decimal(category_view["total"]["values"]["booked"]) == booked


def test_each_run_is_scaled_by_the_cpu_reference_taken_just_before_it():
    """A run timed while the machine ran at half speed (the reference took 36 ms, not 18)
    counts as half its time; the median is taken after scaling."""
    measurement = Measurement("forecast_company", "Forecast", 100)
    measurement.runs_ms = [100.0, 200.0, 90.0]
    measurement.references_ms = [36.0, 18.0, 18.0]
    assert _normalized(measurement) == 90.0  # 50, 200, 90
    slow_day = Measurement("forecast_company", "Forecast", 100, runs_ms=[150.0, 160.0, 170.0])
    slow_day.references_ms = [36.0, 36.0, 36.0]
    assert slow_day.met is False  # 160 ms as timed
    slow_day.normalized_ms = _normalized(slow_day)
    assert slow_day.met is True  # 80 ms on a day of the reference speed
    reference = Measurement("cpu_reference", "CPU reference", None, runs_ms=[30.0, 40.0])
    assert _normalized(reference) == REFERENCE_CPU_MS


def test_a_first_visit_that_sends_too_much_misses_however_fast():
    visit = Measurement("forecast_first_visit", "Visit", 500, wire_target_bytes=1_500_000)
    visit.runs_ms, visit.references_ms = [300.0], [18.0]
    visit.normalized_ms = _normalized(visit)
    visit.wire_bytes = 1_400_000
    assert visit.met is True
    visit.wire_bytes = 1_600_000  # the page and every file it names, on the wire
    assert visit.met is False
