"""Databases of their own for the tests that run `salespath` in other processes: an SQLite
file under tmp_path, or a new database on the PostgreSQL server of DATABASE_URL (else the
local one), dropped afterwards."""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import dj_database_url
import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def postgres_server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else LOCAL_POSTGRES


# engine → a database migrated once per test process (`Databases.migrated`)
_TEMPLATES: dict[str, str] = {}


class Databases:
    def __init__(self, engine: str, tmp_path: Path):
        self.engine, self.tmp_path, self.created = engine, tmp_path, []
        if engine == "postgresql":
            if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
                pytest.skip("pg_dump/pg_restore are not installed (postgresql-client)")
            self.server = dj_database_url.parse(postgres_server_url())
            try:
                self._admin().close()
            except psycopg.OperationalError as error:
                pytest.skip(f"no PostgreSQL server at {postgres_server_url()}: {error}")

    def _admin(self) -> psycopg.Connection:
        s = self.server
        return psycopg.connect(
            host=s["HOST"],
            port=s["PORT"] or 5432,
            user=s["USER"],
            password=s["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )

    def fresh(self) -> str:
        """The URL of a new, empty database."""
        return self._new()

    def migrated(self) -> str:
        """The URL of a new database at the latest migration: a copy of one this test
        process migrated once (a `salespath migrate` takes seconds, and a dozen tests
        start from one)."""
        template = _TEMPLATES.get(self.engine)
        if template is None:
            template = _TEMPLATES[self.engine] = self._migrated_template()
        return self._new(copy_of=template)

    def _new(self, copy_of: str | None = None) -> str:
        """A new database, empty or a copy of `copy_of` (a file, or a database's name),
        dropped after the test."""
        name = f"sp_test_{uuid.uuid4().hex[:10]}"
        if self.engine == "sqlite":
            path = self.tmp_path / (name + ".sqlite3")
            if copy_of is not None:
                shutil.copyfile(copy_of, path)
            return f"sqlite:///{path}"
        self._create(name, template=copy_of)
        self.created.append(name)
        return self._url(name)

    def _migrated_template(self) -> str:
        """A migrated database kept until this test process ends."""
        folder = Path(tempfile.mkdtemp(prefix="sp_template_"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        if self.engine == "sqlite":
            path = folder / "template.sqlite3"
            salespath(f"sqlite:///{path}", folder, "migrate", "--noinput", "-v0")
            return str(path)
        name = f"sp_template_{uuid.uuid4().hex[:10]}"
        self._create(name)
        atexit.register(self._drop, name)
        salespath(self._url(name), folder, "migrate", "--noinput", "-v0")
        return name

    def _create(self, name: str, template: str | None = None) -> None:
        copy = f' TEMPLATE "{template}"' if template is not None else ""
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"{copy}')

    def _drop(self, name: str) -> None:
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _url(self, name: str) -> str:
        s = self.server
        password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
        return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{name}"

    def drop_all(self) -> None:
        for name in self.created:
            self._drop(name)


@pytest.fixture
def databases(request, tmp_path):
    """Fresh databases on the engine of this run (DATABASE_URL): `make test` runs once per
    engine in CI, so each engine is covered once and nothing twice."""
    url = os.environ.get("DATABASE_URL", "")
    engine = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    made = Databases(engine, tmp_path)
    yield made
    made.drop_all()


def environment(url: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "SALESPATH_VAR_DIR": str(tmp_path / "var")}


def salespath(url: str, tmp_path: Path, *args: str, check: bool = True):
    """Run `salespath ARGS` against the database at `url`."""
    result = subprocess.run(
        [sys.executable, "-m", "salespath", *args],
        env=environment(url, tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"salespath {' '.join(args)} failed:\n{result.stderr}")
    return result


def worker(url: str, tmp_path: Path, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.backups.workers", *args],
        env=environment(url, tmp_path),
        cwd=ROOT,
        text=True,
        **popen,
    )
