"""Load-and-authorise for the API: one helper per kind of object. Whatever the caller may not
see answers 404 exactly like an id that does not exist; who may *change* it is decided by the
service the endpoint calls (403)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from salespath import policy
from salespath.customers import errors as customer_errors
from salespath.customers.models import Customer
from salespath.errors import NotFound
from salespath.forecast.models import ForecastSubmission
from salespath.org.models import User
from salespath.pipeline import policy as pipeline_policy
from salespath.pipeline.models import Opportunity


def _get(queryset: QuerySet, pk: Any, missing: NotFound) -> Model:
    try:
        found = queryset.filter(pk=int(pk)).first()
    except (TypeError, ValueError, OverflowError):
        found = None
    if found is None:
        raise missing
    return found


def opportunity(user: User, pk: Any) -> Opportunity:
    return pipeline_policy.opportunity_for_user(user, pk)


def customer(user: User, pk: Any) -> Customer:
    return _get(
        policy.visible_customers(user).select_related("owner"),
        pk,
        customer_errors.not_visible(),
    )


def on_visible_opportunity(user: User, queryset: QuerySet, pk: Any, related="opportunity"):
    """A row (key date, quote, payment, …) of an opportunity `user` may see."""
    visible = policy.visible_opportunities(user).values("pk")
    return _get(
        queryset.filter(**{f"{related}__in": visible}),
        pk,
        NotFound(_("Not found, or you may not see it.")),
    )


def forecast_submission(user: User, pk: Any) -> ForecastSubmission:
    people = policy.visible_people(user).values("pk")
    return _get(
        ForecastSubmission.objects.filter(person__in=people).select_related("person"),
        pk,
        NotFound(_("No such forecast submission, or you may not see it.")),
    )
