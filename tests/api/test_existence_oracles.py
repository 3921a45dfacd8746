"""Issue 16 item 11: a filter on an id the caller may not see answers exactly as an id that
does not exist (an empty list), on every list endpoint that filters by a related record."""

import django_filters
import pytest
from django.db import models

from salespath.api.filters import FilterSet, IdFilter
from salespath.api.urls import router
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

MISSING = 987654


def id_filters() -> list[tuple[str, str, type]]:
    """(list URL, parameter, model the id names) for every id filter of every endpoint."""
    found = []
    for prefix, viewset, _basename in router.registry:
        fields = getattr(viewset, "filterset_fields", None)
        filterset = getattr(viewset, "filterset_class", None)
        model = viewset.queryset.model if viewset.queryset is not None else None
        if filterset is None and fields and model is not None:

            class Meta:
                pass

            Meta.model, Meta.fields = model, fields
            filterset = type("Auto", (FilterSet,), {"Meta": Meta})
        if filterset is None:
            continue
        for name, declared in filterset.base_filters.items():
            assert not isinstance(declared, django_filters.ModelChoiceFilter), name
            if isinstance(declared, IdFilter):
                target = filterset._meta.model
                for part in declared.field_name.removesuffix("_id").split("__"):
                    target = target._meta.get_field(part).related_model
                found.append((f"/api/v1/{prefix}/", name, target))
    return found


def test_every_id_filter_is_covered():
    names = {(url, name) for url, name, _ in id_filters()}
    assert ("/api/v1/opportunities/", "customer") in names
    assert ("/api/v1/activities/", "opportunity") in names
    assert ("/api/v1/contacts/", "customer") in names
    assert all(
        issubclass(model, models.Model) and model.__name__ in {"Opportunity", "Customer"}
        for _, _, model in id_filters()
    )


def test_an_invisible_id_filters_like_a_missing_one(cast, api):
    theirs = OpportunityFactory(owner=cast.other_salesperson)
    hidden = {"Opportunity": theirs.pk, "Customer": theirs.customer_id}
    client = api(cast.salesperson)
    for url, name, model in id_filters():
        invisible = client.get(url, {name: hidden[model.__name__]})
        missing = client.get(url, {name: MISSING})
        assert invisible.status_code == missing.status_code == 200, (url, name)
        assert invisible.json() == missing.json(), (url, name)
        assert invisible.json()["count"] == 0, (url, name)


def test_a_filter_that_is_not_an_id_is_refused_alike(cast, api):
    client = api(cast.salesperson)
    for value in ("abc", "0", str(2**63)):
        response = client.get("/api/v1/activities/", {"opportunity": value})
        assert response.status_code == 400
        assert "opportunity" in response.json()["error"]["fields"]
