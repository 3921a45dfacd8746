"""Tell the person who must act that work now waits on them (docs/notifications.md).

Called by the services at the end of their transaction. The notifications app sits above the
pipeline (it reads deals, stages and people), so the pipeline announces the event on
`signals.work_waiting` and the notifications app records it, in the same transaction: the
notification is recorded with the change, or not at all, and its sends go out after the
commit."""

from __future__ import annotations

from typing import Any

from ..signals import work_waiting


def notify_waiting(event: str, subject: Any) -> None:
    work_waiting.send(sender=None, event=event, subject=subject)
