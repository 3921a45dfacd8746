"""Indexes made by raw SQL in migrations, which a model's Meta cannot declare: partial
indexes (WHERE …) and covering ones (INCLUDE …), some only on one engine. Each migration
holds its own SQL; this list is what the code expects the database to have, and
`tests/core/test_index_set.py` compares it with the database, so an index added, dropped or
renamed by hand, or by a migration without its entry here, fails the suite. Every other
index and constraint is declared in its model's Meta."""

# name: (table, the migration that makes it last, engines it exists on)
BOTH = ("sqlite", "postgresql")
RAW_INDEXES = {
    "opportunity_created_on": ("pipeline_opportunity", "pipeline 0005", BOTH),
    "opportunity_signed_on": ("pipeline_opportunity", "pipeline 0005", BOTH),
    "opportunity_won_on": ("pipeline_opportunity", "pipeline 0005", BOTH),
    "opportunity_lost_on": ("pipeline_opportunity", "pipeline 0013", BOTH),
    "opportunity_open_by_close_category": ("pipeline_opportunity", "pipeline 0010", BOTH),
    "opportunity_open_by_close_time": ("pipeline_opportunity", "pipeline 0010", BOTH),
    "opportunity_won_by_owner": ("pipeline_opportunity", "pipeline 0006", BOTH),
    "opportunity_lost_by_owner": ("pipeline_opportunity", "pipeline 0006", BOTH),
    "stage_change_reached_s7": ("pipeline_stagechange", "pipeline 0006", BOTH),
    "opportunity_on_board_by_stage": ("pipeline_opportunity", "pipeline 0011", BOTH),
    "project_manager_by_opportunity": ("pipeline_projectmember", "pipeline 0008", ("postgresql",)),
    "opportunity_open_on_sheet": ("pipeline_opportunity", "pipeline 0009", BOTH),
    "opportunity_open_with_note": ("pipeline_opportunity", "pipeline 0009", BOTH),
    "opportunity_history_by_owner": ("pipeline_opportunity", "pipeline 0009", BOTH),
    "opportunity_close_covered": ("pipeline_opportunity", "pipeline 0018", ("sqlite",)),
}
