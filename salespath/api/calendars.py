"""The forecast calendar, read by everyone; administrators keep it in the admin."""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from salespath.forecast.models import ForecastCalendar, ForecastCalendarException


class CalendarExceptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ForecastCalendarException
        fields = ["day", "moved_to", "reason"]


class ForecastCalendarSerializer(serializers.ModelSerializer):
    branch = serializers.SlugRelatedField(slug_field="code", read_only=True)
    exceptions = CalendarExceptionSerializer(many=True, read_only=True)

    class Meta:
        model = ForecastCalendar
        fields = [
            "id",
            "name",
            "branch",
            "period",
            "weekday",
            "day_of_month",
            "deadline_time",
            "reminder_hours",
            "starts_on",
            "active",
            "exceptions",
        ]


class ForecastCalendarViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every forecast calendar with its holiday exceptions: when each branch's forecasts are
    due (`branch` empty: company-wide)."""

    queryset = (
        ForecastCalendar.objects.select_related("branch")
        .prefetch_related("exceptions")
        .order_by("pk")
    )
    serializer_class = ForecastCalendarSerializer
