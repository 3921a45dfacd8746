"""`salespath bench`'s browser key: Chromium's first visit of the company's forecast page,
measured against a running server (`--url`; here the test's live server, which sees this
transactional test's data)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from salespath.scale.generate import generate
from salespath.scale.sizes import SIZES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_bench_times_the_forecast_pages_first_visit_in_chromium(chromium_path, live_server):
    generate(size=SIZES["T"], seed=5, today=timezone.localdate())
    out = StringIO()
    with translation.override("en"):
        call_command(
            "bench", "--repeat", "1", "--only", "forecast_first_visit", "--url", live_server.url,
            "--import-rows", "30", "--format", "json", stdout=out, stderr=StringIO(),
        )  # fmt: skip
    [visit] = json.loads(out.getvalue())["results"]
    assert visit["key"] == "forecast_first_visit" and not visit["skipped"]
    assert visit["runs"] == 1 and visit["median_ms"] > 0 and visit["normalized_ms"] > 0
    # the page, its scripts, styles and plotly.js, as Chromium counted them; the test's server
    # sends plotly.js uncompressed (no `collectstatic`, no brotli), so the visit misses on
    # its bytes, however fast it was
    assert visit["wire_bytes"] > 4_000_000
    assert visit["met"] is False
