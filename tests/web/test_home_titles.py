"""The home page's pipeline card is named for whose deals it shows (issue 15 §2.8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "title"),
    [
        ("salesperson", "我的商机(按阶段)"),
        ("supervisor", "本团队商机(按阶段)"),
        ("branch_gm", "本分公司商机(按阶段)"),
        ("finance", "全公司商机(按阶段)"),
        ("executive", "全公司商机(按阶段)"),
    ],
)
def test_the_pipeline_card_says_whose_deals_it_shows(login, cast, deal, role, title):
    html = login(getattr(cast, role)).get(reverse("web:home")).content.decode()
    assert f'<h2 data-testid="pipeline-title">{title}</h2>' in html
