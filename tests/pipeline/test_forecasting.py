"""The forecast-category suggestion and the risk flag."""

from datetime import date

import pytest

from salespath.pipeline.forecasting import advise

TODAY = date(2026, 5, 15)  # Q2 of a January fiscal year: ends 2026-06-30


@pytest.mark.parametrize(
    "stage, status, close, suggested",
    [
        ("S2", "open", date(2026, 6, 1), "pipeline"),
        ("S4", "open", date(2026, 6, 1), "pipeline"),
        ("S5", "open", date(2026, 6, 1), "best_case"),
        ("S6", "open", date(2026, 6, 30), "commit"),
        ("S6", "open", date(2026, 7, 1), "best_case"),
        ("S7", "won", date(2026, 4, 1), "commit"),
        ("S3", "lost", date(2026, 6, 1), "omitted"),
    ],
)
def test_suggestion_follows_stage_and_close_date(stage, status, close, suggested):
    advice = advise(
        stage=stage,
        status=status,
        category="pipeline",
        expected_close=close,
        today=TODAY,
        fiscal_start_month=1,
    )
    assert advice.suggested == suggested


def test_commit_below_s5_is_a_risk():
    advice = advise(
        stage="S4",
        status="open",
        category="commit",
        expected_close=date(2026, 6, 1),
        today=TODAY,
        fiscal_start_month=1,
    )
    assert advice.risk and len(advice.reasons) == 1


def test_a_past_close_date_is_a_risk_and_a_sound_commit_is_not():
    past = advise(
        stage="S6",
        status="open",
        category="commit",
        expected_close=date(2026, 5, 1),
        today=TODAY,
        fiscal_start_month=1,
    )
    sound = advise(
        stage="S6",
        status="open",
        category="commit",
        expected_close=date(2026, 6, 1),
        today=TODAY,
        fiscal_start_month=1,
    )
    assert past.risk and "2026-05-01" in past.reasons[0]
    assert not sound.risk
