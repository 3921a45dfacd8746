"""`python -m tests.replicas.worker setup|visit`, against DATABASE_URL (the primary) and
DATABASE_REPLICA_URL (its streaming replica). Run by tests/replicas/test_replica_reads.py.

setup: a small company on the primary (an executive, a salesperson and their deals).
visit: as the executive, through Django's test client: open each report page; write (create an
API token); open the forecast again right after. Prints JSON: for each step, the SQL each
database alias ran, and what each alias's server says it is (in recovery = the replica).
"""

import json
import os
import sys
from datetime import date


def setup() -> None:
    from salespath.forecast import rollups
    from tests.factories import OpportunityFactory, TeamFactory, UserFactory

    team = TeamFactory(code="rp-1")
    UserFactory(username="boss", team=None, branch=None, roles=["executive"])
    seller = UserFactory(username="li", team=team)
    for n in range(5):
        OpportunityFactory(owner=seller, amount=10000 * (n + 1), expected_close=date(2027, 1, 10))
    rollups.rebuild()


def visit() -> None:
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from salespath.org.models import User

    def server(alias: str) -> dict:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')")
            recovery, port = cursor.fetchone()
        return {"in_recovery": recovery, "port": int(port)}

    client = Client()
    client.force_login(User.objects.get(username="boss"))
    pages = {
        "forecast": "/reports/forecast/?as_of=2026-12-01",
        "evaluation": "/reports/evaluation/?as_of=2026-12-01",
        "funnel": "/reports/funnel/",
        "attainment": "/reports/attainment/",
        "roadmap_grid": "/roadmap/team/",
        "forecast_xlsx": "/reports/forecast.xlsx?as_of=2026-12-01",
        "api_forecast": "/api/v1/reports/forecast/?as_of=2026-12-01",
        "board": "/pipeline/board/",
    }
    steps = {}

    def step(name, call):
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["replica"]) as replica,
        ):
            response = call()
        steps[name] = {
            "status": response.status_code,
            "default": [q["sql"] for q in primary.captured_queries],
            "replica": [q["sql"] for q in replica.captured_queries],
        }

    for name, url in pages.items():
        step(name, lambda url=url: client.get(url))
    step(
        "write",
        lambda: client.post(
            "/api/v1/auth/tokens/", {"name": "laptop"}, content_type="application/json"
        ),
    )
    step("forecast_after_write", lambda: client.get(pages["forecast"]))
    print(json.dumps({"servers": {a: server(a) for a in ("default", "replica")}, "steps": steps}))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salespath.settings")
    import django

    django.setup()
    {"setup": setup, "visit": visit}[sys.argv[1]]()
