from datetime import UTC

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django_filters import rest_framework
from django_filters.constants import EMPTY_VALUES

from salespath.org.access import branch_people
from salespath.org.models import User
from salespath.pipeline.models import ForecastCategory, Opportunity, Status

MAX_ID = 2**53


class IdFilter(filters.NumberFilter):
    """A filter on a related record's id. It only narrows what the caller may already see, so
    an id that does not exist answers exactly as one the caller may not see: an empty list
    (a "no such record" error for one and not the other tells who has what)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UtcDateTimeField(filters.fields.IsoDateTimeField):
    """An ISO 8601 date and time, taken to UTC before it reaches the database: PostgreSQL
    refuses an offset beyond ±15:59 that Python parses ("+16:03" was a 500), and a time at
    the edge of the calendar may not exist in UTC — both are the field's "not a valid date
    and time"."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return value
        try:
            return value.astimezone(UTC)
        except (OverflowError, ValueError) as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class FilterSet(rest_framework.FilterSet):
    """Every API filter set: a foreign key is filtered by id (IdFilter), never by django-
    filter's default choice among all rows, which would check the id exists."""

    FILTER_DEFAULTS = {
        **rest_framework.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.DateTimeField: {"filter_class": UtcDateTimeFilter},
    }


class FilterBackend(rest_framework.DjangoFilterBackend):
    """The API's filter backend (settings.REST_FRAMEWORK): filter sets made from
    `filterset_fields` are built on our FilterSet."""

    filterset_base = FilterSet


class BranchFilter(filters.CharFilter):
    """People of a branch, by its code, as a filter on `person_field` (a path to a person;
    "" for people themselves): a team member's branch is their team's."""

    def __init__(self, *args, person_field: str = "", **kwargs):
        self.person_field = person_field
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(branch_people(value, self.person_field, "__code"))


class PersonFilter(FilterSet):
    team__code = filters.CharFilter(field_name="team__code")
    branch__code = BranchFilter()

    class Meta:
        model = User
        fields = []


class OpportunityFilter(FilterSet):
    stage = filters.CharFilter(field_name="stage_id")
    status = filters.ChoiceFilter(choices=Status.choices)
    owner = filters.CharFilter(field_name="owner__username")
    team = filters.CharFilter(field_name="owner__team__code")
    branch = BranchFilter(person_field="owner")
    product = filters.CharFilter(field_name="lines__product__code", distinct=True)
    category = filters.ChoiceFilter(
        field_name="forecast_category", choices=ForecastCategory.choices
    )
    close_from = filters.DateFilter(field_name="expected_close", lookup_expr="gte")
    close_to = filters.DateFilter(field_name="expected_close", lookup_expr="lte")
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    customer = IdFilter(field_name="customer_id")

    class Meta:
        model = Opportunity
        fields = []


class UpdatedSinceFilter(FilterSet):
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
