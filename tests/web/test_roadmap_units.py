"""The roadmap explains its figures (issue 15 §2.12): the training period has no weekly
numbers, said in words; every figure on the grid carries its unit."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_hire(cast):
    person = cast.salesperson
    person.hire_date = date(2026, 1, 5)
    person.quota_start_date = date(2026, 2, 2)
    person.save()
    return person


def test_the_training_period_says_it_has_no_weekly_numbers(login, cast, new_hire):
    response = login(new_hire).get(
        reverse("web:roadmap_person", args=["li"]), {"as_of": "2026-01-21"}
    )
    html = response.content.decode()
    assert 'data-testid="no-weekly-numbers"' in html
    assert "/ —" not in html and "/ — h" not in html


def test_every_grid_figure_has_its_unit(login, cast, new_hire):
    response = login(cast.supervisor).get(
        reverse("web:roadmap_grid"), {"as_of": "2026-03-18", "scope": "team:gz-1"}
    )
    html = response.content.decode()
    hours = re.findall(r'title="寻找潜在商机\(小时\): [^"]*">.*?<span class="small">([^<]*)<', html)
    assert hours and all(figure.endswith(" h") for figure in hours), hours
