"""On-track arithmetic: progress (value / target) against the share of the window elapsed."""

from datetime import date
from decimal import Decimal

import pytest

from salespath.roadmap.status import BEHIND, MET, ON_TRACK, judge, judge_signoff

START, END = date(2026, 1, 1), date(2026, 4, 1)  # 91 days


@pytest.mark.parametrize(
    ("value", "target", "as_of", "expected"),
    [
        (5, 20, date(2026, 1, 22), ON_TRACK),  # 0.25 ≥ 22/91
        (5, 20, date(2026, 1, 23), BEHIND),  # 0.25 < 23/91
        (0, 20, date(2026, 1, 1), BEHIND),  # a day gone, nothing done
        (20, 20, date(2026, 1, 1), MET),
        (25, 20, date(2026, 1, 1), MET),
        (19, 20, END, BEHIND),  # judged at the end
        (19, 20, date(2026, 5, 1), BEHIND),  # after the end
        (Decimal("37.5"), Decimal(75), date(2026, 2, 14), ON_TRACK),  # 0.5 ≥ 45/91
        (Decimal("37.5"), Decimal(75), date(2026, 2, 15), BEHIND),  # 0.5 < 46/91
        (0, 20, date(2025, 12, 1), ON_TRACK),  # window not begun
        (None, 20, date(2026, 2, 1), None),  # no quota to compare with
    ],
)
def test_judge(value, target, as_of, expected):
    assert judge(value, target, start=START, end=END, as_of=as_of) == expected


def test_an_unsigned_skill_is_on_track_until_the_phase_end_then_behind():
    assert judge_signoff(False, end=END, as_of=date(2026, 3, 31)) == ON_TRACK
    assert judge_signoff(False, end=END, as_of=END) == BEHIND
    assert judge_signoff(True, end=END, as_of=END) == MET
