"""The public "CRM Sales Opportunities" dataset through the shipped mapping."""

import csv
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Sum

from salespath.imports.mapping import load_mapping
from salespath.imports.services import import_files
from salespath.org.models import Branch, Team, User
from salespath.pipeline.models import Opportunity

pytestmark = pytest.mark.django_db


def test_maven_crm_imports_8800_opportunities_with_each_agents_won_total(maven_crm_dir):
    data = maven_crm_dir
    mapping = load_mapping("maven-crm")
    import_files(paths=[data / "sales_teams.csv"], mapping=mapping)
    import_files(paths=[data / "sales_pipeline.csv"], mapping=mapping)

    with (data / "sales_pipeline.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected: Counter = Counter()
    for row in rows:
        if row["deal_stage"] == "Won":
            expected[row["sales_agent"]] += Decimal(row["close_value"])
    won = (
        Opportunity.objects.filter(status="won")
        .values("owner__display_name")
        .annotate(total=Sum("amount"))
    )
    assert Opportunity.objects.count() == len(rows) == 8800
    assert {w["owner__display_name"]: w["total"] for w in won} == dict(expected)
    assert not Opportunity.objects.filter(status="won").exclude(stage="S7").exists()
    assert Branch.objects.count() == 3 and Team.objects.count() == 6
    manager = User.objects.get(display_name="Dustin Brinkmann")
    assert manager.has_role("supervisor")
    assert User.objects.get(display_name="Moses Frase").team == manager.team


def test_importing_maven_crm_again_changes_nothing(maven_crm_dir):
    data = maven_crm_dir
    mapping = load_mapping("maven-crm")
    paths = [data / "sales_teams.csv", data / "sales_pipeline.csv"]
    import_files(paths=paths, mapping=mapping)
    assert import_files(paths=paths, mapping=mapping).changed == 0
