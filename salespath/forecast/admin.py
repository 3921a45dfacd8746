from django.contrib import admin

from .models import ForecastCalendar, ForecastCalendarException


class ExceptionInline(admin.TabularInline):
    model = ForecastCalendarException
    extra = 1


@admin.register(ForecastCalendar)
class ForecastCalendarAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "branch",
        "period",
        "weekday",
        "day_of_month",
        "deadline_time",
        "reminder_hours",
        "active",
    ]
    list_filter = ["period", "active"]
    inlines = [ExceptionInline]
