"""The fixed cast of every test (STYLE.md): one company, one branch, two teams.

The suite runs the production path: forecasts read the rollup and the day's rows
(`SALESPATH_FORECAST_ROLLUP` at its default) and the funnel its stored months, so test data
keeps them as the writers do: the factories and builders write a deal's copies with its row
and announce its owner to the same listeners as the services (`tests.factories.written`;
`tests.factories.batch()` keeps many deals at once). Every test that used the database ends
with `salespath verify`'s checks, which fail it if anything derived differs from its source
rows (tests/drift.py, docs/verify.md)."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import translation

from salespath.org.models import User

from .factories import BranchFactory, TeamFactory, UserFactory

pytest_plugins = ["tests.drift"]

CHROMIUM = "/usr/bin/chromium"


@dataclass
class Cast:
    salesperson: User
    teammate: User
    supervisor: User
    other_salesperson: User
    other_supervisor: User
    branch_gm: User
    finance: User
    executive: User
    admin: User


def make_cast() -> Cast:
    branch = BranchFactory(code="gz", name="广州分公司", name_en="Guangzhou")
    other_branch = BranchFactory(code="sz", name="深圳分公司", name_en="Shenzhen")
    team = TeamFactory(code="gz-1", name="广州一组", branch=branch)
    other_team = TeamFactory(code="gz-2", name="广州二组", branch=branch)
    return Cast(
        salesperson=UserFactory(username="li", display_name="李明", team=team),
        teammate=UserFactory(username="wang", display_name="王芳", team=team),
        supervisor=UserFactory(
            username="zhao", display_name="赵强", team=team, roles=["supervisor"]
        ),
        other_salesperson=UserFactory(username="chen", display_name="陈静", team=other_team),
        other_supervisor=UserFactory(
            username="zhou", display_name="周杰", team=other_team, roles=["supervisor"]
        ),
        branch_gm=UserFactory(
            username="huang", display_name="黄总", team=None, branch=branch, roles=["branch_gm"]
        ),
        finance=UserFactory(
            username="liu", display_name="刘会计", team=None, branch=None, roles=["finance"]
        ),
        executive=UserFactory(
            username="boss", display_name="林总", team=None, branch=None, roles=["executive"]
        ),
        admin=UserFactory(
            username="admin", display_name="管理员", team=None, branch=other_branch, roles=["admin"]
        ),
    )


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


@contextmanager
def rows_for_the_module(django_db_blocker) -> Iterator[None]:
    """For a module-scoped fixture: what it writes inside is seen by every test of the
    module and rolled back after the last, never committed (Django's `setUpTestData`). Each
    test runs in a savepoint inside it, so what a test writes is gone before the next.
    Hand each test its own copies of any model instances (`copy.deepcopy`), as Django
    does: a test may change one in memory."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium for Playwright. Skipped with a reason where it is missing, except
    under SALESPATH_REQUIRE_BROWSER=1 (CI), where a missing browser fails the run."""
    path = shutil.which("chromium") or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    if path is None:
        message = "chromium is not installed (apt-get install chromium); browser tests skipped"
        if os.environ.get("SALESPATH_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


# The public sample data the tests import, kept in the repository (examples/maven-crm).
EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="session")
def maven_crm_dir() -> Path:
    return EXAMPLES_DIR / "maven-crm"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (zh-Hans): a request answered in English
    leaves English active in the thread that handled it, which a later test would inherit."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Password hashing is deliberately slow; tests need it only to be correct."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_from_the_finders(settings, tmp_path_factory):
    """Pages name static files as they are before `collectstatic`, which the test client and
    the browser tests' live server find through the finders, even in a checkout where a
    `collectstatic` has left its hashed copies in ./var/static (tests/serving covers those)."""
    settings.STATIC_ROOT = tmp_path_factory.getbasetemp() / "no-collected-static"


@pytest.fixture(autouse=True)
def _cache_in_process(settings):
    """Issue 18: the app's cache is the database's table (CACHE_URL, shared by every app
    process), which adds its own queries to every throttled request; the pinned query counts
    are the app's own, so tests keep the cache in memory unless they test the cache itself
    (tests/backups/test_shared_cache.py runs real server processes)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # LocMemCache keeps its data per process, not per test: throttle counts would carry over
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings):
    """Background tasks run inside the test (django-tasks' immediate backend); one test in
    tests/notifications/test_worker.py runs them in a real worker on the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
