"""Every test that used the database ends with the derived-data checker (docs/verify.md).

After the test's body has passed, and before its fixtures are torn down (so inside the
test's own transaction, with its settings), `salespath.forecast.integrity.verify()` runs
without repair; any check that finds a difference fails the test with the check's name,
count and first examples. Test data is thereby held to what the production writers keep:
a helper or test that writes opportunities, contracts, lines or history behind the
services' back, without keeping the copies and the forecast rollup as they do, fails where
it writes rather than in some later, unrelated forecast.

A test that corrupts derived data on purpose names the checks it may break:

    @pytest.mark.drift("rollup", "day_rows")   # these may differ at the end
    @pytest.mark.drift                         # nothing is checked

Tests that never touch the database (no `db`, `transactional_db`, `live_server` or
`django_db` mark) are not checked.

A test that wrote nothing — neither it nor its fixtures, in its transaction — leaves the
data as committed before it; when that committed data was found clean at the end of an
earlier test that wrote nothing either, and nothing can have committed since (no module or
session fixture set up or torn down, no transactional test run), the check would compare
the same rows again and is skipped: the demo company's read-only tests checked its 400
deals forty times. Rows a module's fixture writes for all its tests, in a transaction around
them that is rolled back after the last (`rows_for_the_module`, tests/conftest.py), count as
the first test's writes, and the tests after it are judged by their own.
"""

from __future__ import annotations

import pytest

# The fixture every way of getting the test database goes through (pytest-django).
DATABASE_FIXTURE = "_django_db_helper"
REQUEST = pytest.StashKey()
CHANGES = pytest.StashKey()  # the connection's changed rows when the test's setup began
# The fixtures whose tests commit what they write (pytest-django).
COMMITTING = {"transactional_db", "live_server", "django_db_serialized_rollback"}


class Committed:
    """Whether the data committed in this process's test database was found clean, at the
    end of a test that wrote nothing, with nothing committed since."""

    clean = False


def _changes() -> int | None:
    """The rows this connection has changed, never decreasing within a transaction: SQLite
    counts since the connection opened (a rollback included); PostgreSQL within the current
    transaction (0 outside one), savepoints included. None when it is not open."""
    from django.db import connection

    if connection.connection is None:
        return None
    if connection.vendor == "postgresql":  # the driver's own cursor: before the test's
        # fixtures run, pytest-django refuses Django's
        with connection.connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                "FROM pg_stat_xact_user_tables"
            )
            return int(cursor.fetchone()[0])
    return connection.connection.total_changes


def _wrote(item: pytest.Item) -> bool:
    """Whether the test or its fixtures wrote anything in its transaction (or may have).
    Compared with the count when its setup began, not with nothing: the rows a module's
    fixture wrote for all its tests, in a transaction around them, were checked at the end
    of the first (tests/conftest.py `rows_for_the_module`)."""
    before = item.stash.get(CHANGES, None)
    return before is None or _changes() != before


def _commits(item: pytest.Item) -> bool:
    request = item.stash.get(REQUEST, None)
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    return transactional or (request is not None and bool(COMMITTING & set(request.fixturenames)))


# A fixture wider than a test's may commit rows every later test reads (or delete them as
# it is torn down). pytest-django's per-class set-up of Django's own test cases runs for
# every test and does nothing here: no test is one.
NO_COMMITS = {"_django_setup_unittest"}


def _may_commit(fixturedef) -> bool:
    return fixturedef.scope != "function" and fixturedef.argname not in NO_COMMITS


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    if _may_commit(fixturedef):
        Committed.clean = False
    return (yield)


def pytest_fixture_post_finalizer(fixturedef, request):
    if _may_commit(fixturedef):
        Committed.clean = False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    try:
        changes = _changes()
    except Exception:  # noqa: BLE001 - no database configured yet: nothing to compare with
        changes = None
    if changes is not None:
        item.stash[CHANGES] = changes
    return (yield)


@pytest.fixture(autouse=True)
def _drift_request(request: pytest.FixtureRequest) -> None:
    """Keeps the test's request, which knows every fixture it ended up using, including
    the database that a `django_db` mark or another fixture asked for on the way."""
    request.node.stash[REQUEST] = request


def _allowed(item: pytest.Item) -> set[str] | None:
    """The checks this test may leave differing; None: all of them."""
    from salespath.forecast.integrity import CHECK_NAMES

    allowed: set[str] = set()
    for marker in item.iter_markers("drift"):
        if not marker.args:
            return None
        unknown = set(marker.args) - set(CHECK_NAMES)
        if unknown:
            pytest.fail(
                f"@pytest.mark.drift names no check {sorted(unknown)}; "
                f"the checks are {list(CHECK_NAMES)}",
                pytrace=False,
            )
        allowed |= set(marker.args)
    return allowed


def _used_database(item: pytest.Item) -> bool:
    request = item.stash.get(REQUEST, None)
    return request is not None and DATABASE_FIXTURE in request.fixturenames


def _anything_derived() -> bool:
    """Whether there is an opportunity, a rollup row, a day row or a funnel month. Without
    any, every check compares nothing with nothing (everything derived is computed from the
    opportunities and the rows that hang on them): one query instead of the checks', for the
    many tests that never make a deal. A derived row written without its source (by SQL, an
    `update()`, a bulk create) is one of these rows, so it is still checked."""
    from django.db import connection

    from salespath.forecast.models import ForecastDay, ForecastRollup
    from salespath.pipeline.models import FunnelMonth, Opportunity

    tables = (Opportunity, ForecastRollup, ForecastDay, FunnelMonth)
    probes = " OR ".join(f"EXISTS (SELECT 1 FROM {model._meta.db_table})" for model in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT CASE WHEN {probes} THEN 1 ELSE 0 END")
        return bool(cursor.fetchone()[0])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield  # the test's body; a failure there is reported as it is
    if not _used_database(item):
        return result
    allowed = _allowed(item)
    if allowed is None:
        return result
    from django.db import connection

    from salespath.forecast.integrity import verify

    if connection.needs_rollback:
        pytest.fail(
            "the test ended inside a failed transaction, where nothing can be read, so its "
            "derived data cannot be checked: run the statement expected to fail in its own "
            "`transaction.atomic()`, as a writer would",
            pytrace=False,
        )
    commits, wrote = _commits(item), _wrote(item)
    if commits:
        Committed.clean = False
    elif not wrote and Committed.clean:
        return result  # the rows found clean before, unchanged
    if not _anything_derived():
        return result
    findings = [f for f in verify() if f.count]
    if not findings and not wrote and not commits:
        Committed.clean = True
    drifted = [f for f in findings if f.check not in allowed]
    if drifted:
        lines = ["derived data differs from its source rows at the end of the test:"]
        for finding in drifted:
            lines.append(f"  {finding.check}: {finding.count} differ ({finding.label})")
            lines.extend(f"    {example}" for example in finding.examples)
        lines.append(
            "A writer (or test helper) changed rows without keeping what is derived from "
            "them as the services do; a test that corrupts them on purpose says so with "
            "@pytest.mark.drift(<check>, …) (tests/drift.py)."
        )
        pytest.fail("\n".join(lines), pytrace=False)
    return result
