"""Import 100,000 opportunity rows with product lines and stage history on SQLite; print rows/s.

    .venv/bin/python benchmarks/import_bench.py [--rows 100000] [--format csv|xlsx]
        [--profile FILE]   (cProfile of the first import, for `python -m pstats FILE`)
        [--database-url postgres://postgres@127.0.0.1:5432/EMPTY_DB]   (PostgreSQL instead)

Builds a fresh SQLite database in a temporary directory (your ./var is not touched), creates
50 account managers, 5,000 customers and 8 products, writes the opportunities, lines (one or
two per opportunity) and stage history (one to three rows each) as files, and times the import
from reading the files to the commit. Then imports the same files again (the no-op path).
"""

import argparse
import cProfile
import csv
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--profile", help="write a cProfile of the first import to this file")
    parser.add_argument("--database-url", help="an empty database to use instead of SQLite")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="salespath-bench-"))
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ["SALESPATH_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salespath.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    paths = build(workdir, args.rows, args.format)
    from salespath.imports.services import import_files

    for label in ("first import", "same files again"):
        profile = cProfile.Profile() if args.profile and label == "first import" else None
        started, cpu = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        result = import_files(paths=paths)
        if profile:
            profile.disable()
            profile.dump_stats(args.profile)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        # CPU time too: on a shared machine the wall clock also counts other people's work.
        print(
            f"{label}: {args.rows:,} opportunities in {seconds:.1f} s wall "
            f"({args.rows / seconds:,.0f} rows/s), {cpu:.1f} s CPU "
            f"({args.rows / cpu:,.0f} rows/s)  {result.by_kind()['opportunities']}"
        )
        # the machine's load while it ran: the wall-clock figure means little when it is high
        print("  load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def build(workdir: Path, rows: int, file_format: str) -> list[Path]:
    from salespath.catalog.models import ProductCategory
    from salespath.customers.models import Customer
    from salespath.org.models import Branch, Team, User

    branch = Branch.objects.create(code="bench", name="基准分公司")
    team = Team.objects.create(code="bench-1", name="基准一组", branch=branch)
    users = User.objects.bulk_create(
        [User(username=f"am{n}", team=team, branch=branch) for n in range(50)]
    )
    Customer.objects.bulk_create(
        [
            Customer(
                name=f"客户{n}",
                external_id=f"C{n}",
                owner=users[n % 50],
                created_by=users[n % 50],
                created_on=date(2025, 1, 1),
            )
            for n in range(5000)
        ]
    )
    products = ProductCategory.objects.bulk_create(
        [ProductCategory(code=f"p{n}", name=f"产品{n}") for n in range(8)]
    )
    rng = random.Random(7)
    opportunities = [
        [
            "外部编号",
            "项目名称",
            "客户",
            "客户经理",
            "阶段",
            "状态",
            "预计成交日期",
            "成交日期",
            "丢单日期",
            "丢单原因",
            "创建日期",
        ]
    ]
    lines = [["外部编号", "产品", "金额"]]
    history = [["外部编号", "阶段", "进入日期", "状态"]]
    for n in range(rows):
        created = date(2025, 1, 1) + timedelta(days=rng.randrange(500))
        stages = ["S2", "S3", "S4", "S5", "S6"][: rng.randrange(1, 4)]
        status = rng.choice(["open", "open", "won", "lost"])
        completed = lost_on = reason = ""
        on = created
        for stage in stages:
            history.append([f"O{n}", stage, on.isoformat(), ""])
            on += timedelta(days=rng.randrange(1, 40))
        stage = stages[-1]
        if status == "won":
            stage, completed = "S7", on.isoformat()
        elif status == "lost":
            lost_on, reason = on.isoformat(), "价格"
        opportunities.append(
            [
                f"O{n}",
                f"项目{n}",
                f"C{n % 5000}",
                f"am{n % 50}",
                stage,
                status,
                (on + timedelta(days=30)).isoformat(),
                completed,
                lost_on,
                reason,
                created.isoformat(),
            ]
        )
        for product in rng.sample(products, rng.randrange(1, 3)):
            lines.append([f"O{n}", product.code, f"{rng.randrange(1, 500) * 1000:,}"])
    tables = {"商机": opportunities, "产品明细": lines, "阶段历史": history}
    if file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        for title, table in tables.items():
            sheet = workbook.create_sheet(title)
            for row in table:
                sheet.append(row)
        path = workdir / "pipeline.xlsx"
        workbook.save(path)
        return [path]
    paths = []
    for title, table in tables.items():
        path = workdir / f"{title}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(table)
        paths.append(path)
    return paths


if __name__ == "__main__":
    main()
