"""`salespath backup` while the app writes, and `salespath restore` into an empty database
(issue 18 §2), on both engines: the restored database holds exactly the writes committed when
the backup began — not the one in flight, not the ones after."""

import json
import subprocess

from .conftest import salespath, worker
from .workers import AFTER, DEMO_DAY

DAYS = [DEMO_DAY.isoformat(), "2026-12-31"]


def snapshot(url, tmp_path) -> dict:
    process = worker(url, tmp_path, "snapshot", *DAYS, stdout=subprocess.PIPE)
    out, _ = process.communicate()
    assert process.returncode == 0
    return json.loads(out)


def build_demo(url, tmp_path) -> None:
    salespath(url, tmp_path, "demo", "--no-serve", "--today", DEMO_DAY.isoformat(), "--seed", "7")


def test_backup_during_writes_restores_the_committed_data_byte_for_byte(databases, tmp_path):
    source = databases.migrated()
    build_demo(source, tmp_path)
    writer = worker(source, tmp_path, "writer", stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        # Some writes are committed, and one is open in its transaction.
        assert writer.stdout.readline().strip() == "holding"
        expected = snapshot(source, tmp_path)
        backup_file = tmp_path / "salespath.backup"
        salespath(source, tmp_path, "backup", "-o", str(backup_file))
        writer.stdin.write("go on\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "done"
    finally:
        writer.stdin.close()
        assert writer.wait() == 0

    target = databases.fresh()
    restored = salespath(target, tmp_path, "restore", str(backup_file))
    assert "Restored" in restored.stdout or "恢复" in restored.stdout
    got = snapshot(target, tmp_path)

    assert got["counts"] == expected["counts"]
    for name, report in expected["reports"].items():
        assert got["reports"][name] == report, name
    # The writes kept going: the open one and those after it are in the source only.
    later = snapshot(source, tmp_path)
    activities = "activities_activity"
    assert later["counts"][activities] == expected["counts"][activities] + 1 + AFTER
    assert later["reports"] != expected["reports"]


def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(databases, tmp_path):
    source = databases.migrated()
    backup_file = tmp_path / "empty-company.backup"
    salespath(source, tmp_path, "backup", "-o", str(backup_file))
    target = databases.migrated()
    before = snapshot(target, tmp_path)["counts"]

    refused = salespath(target, tmp_path, "restore", str(backup_file), check=False)

    assert refused.returncode != 0
    assert "not empty" in refused.stderr or "不是空的" in refused.stderr
    assert snapshot(target, tmp_path)["counts"] == before


def test_backup_into_a_missing_folder_says_so(databases, tmp_path):
    source = databases.migrated()
    result = salespath(source, tmp_path, "backup", "-o", str(tmp_path / "no" / "f"), check=False)
    assert result.returncode != 0
    assert "does not exist" in result.stderr or "不存在" in result.stderr
    assert "Traceback" not in result.stderr
