"""Moments on a day in the company's time zone, for the timestamps of demo records."""

import random
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


def at(day: date, rng: random.Random) -> datetime:
    """A working-hours moment on `day`."""
    return moment(day, rng.randint(9, 17), rng.choice([0, 15, 30, 45]))
