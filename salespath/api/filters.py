import django_filters as filters

from salespath.pipeline.models import ForecastCategory, Opportunity, Status


class OpportunityFilter(filters.FilterSet):
    stage = filters.CharFilter(field_name="stage_id")
    status = filters.ChoiceFilter(choices=Status.choices)
    owner = filters.CharFilter(field_name="owner__username")
    team = filters.CharFilter(field_name="owner__team__code")
    branch = filters.CharFilter(field_name="owner__branch__code")
    product = filters.CharFilter(field_name="lines__product__code", distinct=True)
    category = filters.ChoiceFilter(
        field_name="forecast_category", choices=ForecastCategory.choices
    )
    close_from = filters.DateFilter(field_name="expected_close", lookup_expr="gte")
    close_to = filters.DateFilter(field_name="expected_close", lookup_expr="lte")
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    customer = filters.NumberFilter(field_name="customer_id", min_value=1, max_value=2**53)

    class Meta:
        model = Opportunity
        fields = []


class UpdatedSinceFilter(filters.FilterSet):
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
