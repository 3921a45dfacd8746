"""Layout faults only a browser shows (issue 15 §2.10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from salespath.pipeline.services import opportunity_lose

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Client rects of the text of `date` inside the first element matching the selector: more
# than one when the browser broke the date across lines.
DATE_LINES = """([selector, date]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(date);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + date.length);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  }
  return -1;
}"""


def test_the_evaluation_sheet_never_breaks_a_date(browser_page, live_server, cast, deal):
    today = timezone.localdate()
    lost_on = today - timedelta(days=3)
    opportunity_lose(opportunity=deal, by=cast.salesperson, reason="预算取消", on=lost_on)
    page = browser_page(cast.supervisor)
    page.goto(f"{live_server.url}/reports/evaluation/?as_of={today.isoformat()}")
    # Squeeze every column to the narrowest the browser allows.
    page.evaluate("document.querySelector('[data-testid=evaluation-table]').style.width='1px'")
    selector = "[data-testid=evaluation-table] tbody tr td:last-child"
    assert page.evaluate(DATE_LINES, [selector, lost_on.isoformat()]) == 1
