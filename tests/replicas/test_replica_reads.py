"""Read replicas (issue 18 §3), against a real streaming replica (conftest.py): with
DATABASE_REPLICA_URL set, the report pages read from the replica; other pages, writes, and the
pages right after a user's own write use the primary. Which server ran each query is told by
the servers themselves (pg_is_in_recovery on each connection) and by the replica's statement
log, which names each statement's connection by its application_name."""

import json
import subprocess
import sys

import psycopg
import pytest

from tests.backups.conftest import ROOT, Databases, environment

pytestmark = pytest.mark.postgres

REPORTS = [
    "forecast",
    "evaluation",
    "funnel",
    "attainment",
    "roadmap_grid",
    "forecast_xlsx",
    "api_forecast",
]


def touches_deals(queries: list[str]) -> bool:
    return any('"pipeline_opportunity"' in sql for sql in queries)


def run(step: str, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "tests.replicas.worker", step],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_report_reads_go_to_the_replica_and_a_users_own_writes_stay_on_the_primary(
    replica, tmp_path
):
    databases = Databases("postgresql", tmp_path)
    try:
        primary_url = databases.fresh()
        name = primary_url.rsplit("/", 1)[1]
        replica_url = f"postgres://{replica.primary['USER']}@127.0.0.1:{replica.port}/{name}"
        env = {
            **environment(primary_url + "?application_name=salespath-primary", tmp_path),
            "DATABASE_REPLICA_URL": replica_url + "?application_name=salespath-replica",
            "ALLOWED_HOSTS": "testserver",
            # the visit's report is JSON on stdout, where the request log lines go too
            "LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [sys.executable, "-m", "salespath", "migrate", "--noinput", "-v0"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        run("setup", env)
        with psycopg.connect(primary_url) as primary:
            replica.wait_for(primary)

        report = json.loads(run("visit", env).stdout)
    finally:
        databases.drop_all()

    servers, steps = report["servers"], report["steps"]
    assert servers["replica"] == {"in_recovery": True, "port": replica.port}
    assert servers["default"]["in_recovery"] is False
    for page in REPORTS:
        assert steps[page]["status"] == 200, page
        assert touches_deals(steps[page]["replica"]), page
        assert not touches_deals(steps[page]["default"]), page
    # not a report: all on the primary
    assert steps["board"]["status"] == 200
    assert steps["board"]["replica"] == [] and touches_deals(steps["board"]["default"])
    # a write, and the page right after it, never read the replica
    assert steps["write"]["status"] == 201
    assert steps["write"]["replica"] == []
    after = steps["forecast_after_write"]
    assert after["status"] == 200 and after["replica"] == [] and touches_deals(after["default"])

    # the replica's own log: report statements from the replica connection, none from the
    # primary's connection
    log = replica.log.read_text(errors="replace")
    assert any(
        line.startswith("salespath-replica|") and "pipeline_opportunity" in line
        for line in log.splitlines()
    )
    assert "salespath-primary|" not in log
