"""A real streaming replica of the local PostgreSQL (issue 18 §3): a second cluster made with
`pg_basebackup -R` into a temporary folder and started with `pg_ctl` on a free port, for the
session. Skipped, with the reason, where one cannot be made (no PostgreSQL binaries, not root
or postgres, no replication entry in the primary's pg_hba.conf); .ci/run makes sure CI can."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg
import pytest

from tests.backups.conftest import postgres_server_url


@dataclass
class Replica:
    primary: dict
    port: int
    datadir: Path

    @property
    def log(self) -> Path:
        return self.datadir / "server.log"

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.primary["USER"], dbname=dbname
        )

    def wait_for(self, primary: psycopg.Connection) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        lsn = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + 120  # replication catching up, not a speed assertion
        with self.connect() as replica:
            while time.monotonic() < deadline:
                row = replica.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [str(lsn)]
                ).fetchone()
                if row[0]:
                    return
                time.sleep(0.1)
        raise AssertionError("the replica did not catch up with the primary")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _binaries(major: int) -> Path:
    for folder in sorted(glob.glob(f"/usr/lib/postgresql/{major}/bin")):
        if os.path.exists(os.path.join(folder, "pg_basebackup")):
            return Path(folder)
    pytest.skip(f"no PostgreSQL {major} server binaries (pg_basebackup, pg_ctl) under /usr/lib")


def _as_postgres() -> list[str]:
    if os.geteuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--"]
    import pwd

    if pwd.getpwuid(os.geteuid()).pw_name == "postgres":
        return []
    pytest.skip("a replica cluster must run as the postgres OS user: run the tests as root")


@pytest.fixture(scope="session")
def replica():
    primary = dj_database_url.parse(postgres_server_url())
    if primary["HOST"] not in ("127.0.0.1", "localhost"):
        pytest.skip("the replica test copies a PostgreSQL on this machine")
    try:
        with psycopg.connect(
            host=primary["HOST"],
            port=primary["PORT"] or 5432,
            user=primary["USER"],
            dbname="postgres",
        ) as admin:
            major = int(admin.execute("SHOW server_version_num").fetchone()[0]) // 10000
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL server at {postgres_server_url()}: {error}")
    binaries, runner = _binaries(major), _as_postgres()
    datadir = Path(tempfile.mkdtemp(prefix="salespath-replica-", dir="/tmp"))
    shutil.chown(datadir, "postgres", "postgres")
    datadir.chmod(0o700)
    port = _free_port()
    made = subprocess.run(
        [
            *runner,
            str(binaries / "pg_basebackup"),
            "-h",
            primary["HOST"],
            "-p",
            str(primary["PORT"] or 5432),
            "-U",
            primary["USER"],
            "-D",
            str(datadir),
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
        ],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        shutil.rmtree(datadir, ignore_errors=True)
        pytest.skip(f"pg_basebackup could not copy the primary: {made.stderr.strip()}")
    # Debian keeps the configuration outside the data folder: give the copy its own.
    settings = (
        f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
        f"unix_socket_directories = '{datadir}'\nhot_standby = on\n"
        "log_statement = 'all'\nlog_line_prefix = '%a|'\n"
    )
    for name, text in (
        ("postgresql.conf", settings),
        ("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n"),
        ("pg_ident.conf", ""),
    ):
        (datadir / name).write_text(text)
        shutil.chown(datadir / name, "postgres", "postgres")
    started = subprocess.run(
        [
            *runner,
            str(binaries / "pg_ctl"),
            "-D",
            str(datadir),
            "-l",
            str(datadir / "server.log"),
            "-w",
            "-t",
            "120",
            "start",
        ],
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:
        log = (datadir / "server.log").read_text() if (datadir / "server.log").exists() else ""
        shutil.rmtree(datadir, ignore_errors=True)
        pytest.fail(f"the replica did not start: {started.stderr}\n{log[-2000:]}")
    try:
        yield Replica(primary=primary, port=port, datadir=datadir)
    finally:
        subprocess.run(
            [*runner, str(binaries / "pg_ctl"), "-D", str(datadir), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(datadir, ignore_errors=True)
