"""Tell the person who must act that work now waits on them (docs/notifications.md).

Called by the services at the end of their transaction: the notification is recorded with
the change, or not at all, and its sends go out after the commit. The notifications app sits
above the pipeline (it reads deals, stages and people), so it is imported when called."""

from __future__ import annotations

from typing import Any


def notify_waiting(event: str, subject: Any) -> None:
    from salespath.notifications import work

    getattr(work, event)(subject)
