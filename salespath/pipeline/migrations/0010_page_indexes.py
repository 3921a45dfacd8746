"""Indexes for the pages people open at their widest scope, as `salespath bench` measures
them (BENCHMARKS.md).

- `opportunity_customers_by_owner` (owner, customer): the customers someone may see from
  their people's deals, from the index alone (`policy.visible_customers`).
- `opportunity_listed` (close date) of the deals not lost: the opportunity list, soonest
  close first, a page at a time. By close date alone: keyed (close date, id) it gave the
  overdue lists' order too, and PostgreSQL read a branch's overdue list from it, passing
  years of won deals.
- `opportunity_by_status_close` (status, close date, id), in place of (status, close date):
  the home page's oldest overdue deals, read in the index's order.
- `opportunity_open_by_entered` (day entered the stage) of the open deals: the home page's
  deals stuck in their stage, longest first.
- The forecast's overdue indexes of 0005 keyed (close date, id, …), the overdue list's
  order: without the id, both engines read the overdue list from `opportunity_listed` once
  it existed, several times slower for the company forecast.
- The board's index by stage (0007, PostgreSQL only until now) on SQLite too: SQLite read an
  executive's board columns through `opportunity_listed`, the slower way. 0007 kept
  it off SQLite because, without statistics, SQLite chose it for every board; with them a
  team's board still reads its people's deals by owner.

On SQLite each new index is analyzed here. SQLite plans from the statistics ANALYZE keeps
(`salespath generate` analyzes every table); an index created after them has none, and
SQLite takes it for a very selective one: unanalyzed, (owner, customer) was read for the
forecast's overdue list, every owner's deals.
"""

from django.db import migrations, models

OVERDUE_OLD = {
    "opportunity_open_by_close_time": (
        "(expected_close, owner_id, forecast_category, signed_on)"
        " WHERE won_on IS NULL AND NOT (status = 'lost')"
    ),
    "opportunity_open_by_close_category": (
        "(expected_close, owner_id, forecast_category, won_on)"
        " WHERE signed_on IS NULL AND NOT (status = 'lost')"
    ),
}
OVERDUE = {
    "opportunity_open_by_close_time": (
        "(expected_close, id, owner_id, forecast_category, signed_on)"
        " WHERE won_on IS NULL AND NOT (status = 'lost')"
    ),
    "opportunity_open_by_close_category": (
        "(expected_close, id, owner_id, forecast_category, won_on)"
        " WHERE signed_on IS NULL AND NOT (status = 'lost')"
    ),
}
BY_STAGE = (
    "opportunity_on_board_by_stage",
    "(stage_id, expected_close, id, amount) WHERE NOT (status = 'lost')",
)
ANALYZED = [
    "opportunity_customers_by_owner",
    "opportunity_listed",
    "opportunity_by_status_close",
    "opportunity_open_by_entered",
    *OVERDUE,
    BY_STAGE[0],
]


def _overdue(indexes: dict[str, str]):
    def build(apps, schema_editor):
        for name, definition in indexes.items():
            schema_editor.execute(f"DROP INDEX {name}")
            schema_editor.execute(f"CREATE INDEX {name} ON pipeline_opportunity {definition}")

    return build


def by_stage_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        name, definition = BY_STAGE
        schema_editor.execute(f"CREATE INDEX {name} ON pipeline_opportunity {definition}")


def no_by_stage_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {BY_STAGE[0]}")


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in ANALYZED:
            schema_editor.execute(f"ANALYZE {name}")


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0009_sheet_copies")]

    operations = [
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(fields=["owner", "customer"], name="opportunity_customers_by_owner"),
        ),
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                condition=~models.Q(status="lost"),
                fields=["expected_close"],
                name="opportunity_listed",
            ),
        ),
        migrations.RemoveIndex(model_name="opportunity", name="pipeline_op_status_329faf_idx"),
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                fields=["status", "expected_close", "id"], name="opportunity_by_status_close"
            ),
        ),
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                condition=models.Q(status="open"),
                fields=["stage_entered_on"],
                name="opportunity_open_by_entered",
            ),
        ),
        migrations.RunPython(_overdue(OVERDUE), _overdue(OVERDUE_OLD)),
        migrations.RunPython(by_stage_on_sqlite, no_by_stage_on_sqlite),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
