"""Another team's ids behave exactly as ids that do not exist."""

import pytest

from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def test_other_teams_opportunity_is_not_found_and_not_listed(cast, api):
    mine = OpportunityFactory(owner=cast.salesperson)
    theirs = OpportunityFactory(owner=cast.other_salesperson)
    client = api(cast.salesperson)
    listed = [o["id"] for o in client.get("/api/v1/opportunities/").json()["results"]]
    assert listed == [mine.pk]
    hidden = client.get(f"/api/v1/opportunities/{theirs.pk}/")
    missing = client.get("/api/v1/opportunities/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_supervisor_sees_the_team_and_gm_the_branch(cast, api):
    OpportunityFactory(owner=cast.salesperson)
    OpportunityFactory(owner=cast.teammate)
    OpportunityFactory(owner=cast.other_salesperson)
    assert api(cast.supervisor).get("/api/v1/opportunities/").json()["count"] == 2
    assert api(cast.branch_gm).get("/api/v1/opportunities/").json()["count"] == 3
    assert api(cast.executive).get("/api/v1/opportunities/").json()["count"] == 3


def test_opportunities_filter_by_team_stage_and_updated_since(cast, api):
    OpportunityFactory(owner=cast.salesperson, stage_id="S3")
    OpportunityFactory(owner=cast.other_salesperson, stage_id="S2")
    client = api(cast.executive)
    assert client.get("/api/v1/opportunities/?team=gz-1").json()["count"] == 1
    assert client.get("/api/v1/opportunities/?stage=S2").json()["count"] == 1
    assert (
        client.get("/api/v1/opportunities/?updated_since=2999-01-01T00:00:00Z").json()["count"] == 0
    )


def test_a_time_with_any_offset_filters_as_the_same_moment_in_utc(cast, api):
    """PostgreSQL refuses an offset beyond ±15:59 that ISO 8601 parsers accept; the filter
    takes the moment to UTC first, and a moment that does not exist in UTC is a named 400."""
    OpportunityFactory(owner=cast.salesperson)
    client = api(cast.executive)
    far = "0409-11-10T17:05:50.68%2B16:03"
    assert client.get(f"/api/v1/customers/?updated_at__gte={far}").status_code == 200
    assert client.get(f"/api/v1/opportunities/?updated_since={far}").json()["count"] == 1
    future = client.get("/api/v1/opportunities/?updated_since=2999-01-01T10:00:00%2B16:30")
    assert future.json()["count"] == 0
    edge = client.get("/api/v1/opportunities/?updated_since=0001-01-01T00:00:00%2B05:00")
    assert edge.status_code == 400
    assert "updated_since" in edge.json()["error"]["fields"]


def test_a_bad_filter_value_is_a_400_naming_the_field(cast, api):
    response = api(cast.executive).get("/api/v1/opportunities/?close_from=yesterday")
    assert response.status_code == 400
    assert "close_from" in response.json()["error"]["fields"]


def test_list_query_count_does_not_grow_with_data(cast, api, django_assert_max_num_queries):
    client = api(cast.executive)
    for _ in range(3):
        OpportunityFactory(owner=cast.salesperson)
    with django_assert_max_num_queries(8) as small:
        client.get("/api/v1/opportunities/")
    for _ in range(12):
        OpportunityFactory(owner=cast.teammate)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/api/v1/opportunities/")
