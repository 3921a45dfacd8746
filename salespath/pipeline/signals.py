"""What the pipeline announces to the apps that derive data from opportunities.

The pipeline does not know who keeps what: the forecast keeps its rollups and day rows by
listening here (`salespath/forecast/apps.py`), in the writer's transaction, since a signal's
receivers run before `send` returns. Every writer of the fields that feed derived data
announces the salespeople whose opportunities it changed, before and after the change."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.dispatch import Signal

# Sent with `owner_ids`: the salespeople whose opportunities changed (owner before and after).
opportunities_changed = Signal()


# A writer may instead name the opportunities (the services name their one deal, the
# importer its thousands): it sends `opportunities_changing` with their `opportunity_ids`
# before it changes them, and then `opportunities_changed` with the owners and
# `opportunity_ids` (those changed and those created), in the same transaction; whatever
# it changes of them — their rows, their stage history — it changes between the two. A
# listener then moves only these opportunities' share of what it derives (the forecast
# rollup, the funnel's months): out as they are before, in as they are after, where
# recomputing everything of their owners would cost seconds.
opportunities_changing = Signal()


# True inside `rolled_back`: nothing written stays, so nothing derived from it is kept.
_rolling_back: ContextVar[bool] = ContextVar("rolling_back", default=False)


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction that writes and is then rolled back whatever happens (an import's dry
    run: the counts of what it would create and change are the writers' own). Its writes
    are not announced: the derived data (the forecast's rollups, the funnel's months) would
    be moved only to be rolled back with them — at scale L, more than half of a dry run of
    10,000 rows. The rollback itself leaves the derived data as true as before."""
    token = _rolling_back.set(True)
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        _rolling_back.reset(token)


def announce_owners(
    owner_ids: Iterable[int | None], opportunity_ids: Iterable[int] | None = None
) -> None:
    owners = {pk for pk in owner_ids if pk is not None}
    if not owners or _rolling_back.get():
        return
    if opportunity_ids is None:
        opportunities_changed.send(sender=None, owner_ids=owners)
    else:
        opportunities_changed.send(
            sender=None, owner_ids=owners, opportunity_ids=set(opportunity_ids)
        )


def announce_changing(opportunity_ids: Iterable[int], owner_ids: Iterable[int | None] = ()) -> None:
    """Before a writer changes these opportunities; it announces them again after, with
    `announce_owners(owners, opportunity_ids=…)`, in the same transaction. `owner_ids`: their
    owners before and after, whose turn this writer takes first (`take_turns`)."""
    ids = set(opportunity_ids)
    take_turns(owner_ids)
    if ids and not _rolling_back.get():
        opportunities_changing.send(sender=None, opportunity_ids=ids)


def take_turns(owner_ids: Iterable[int | None]) -> None:
    """Lock these salespeople's rows until the end of the transaction, in the order of
    their ids: two writers of what derives from the same owner's opportunities take turns,
    and the second one's statements then see the first one's committed rows (PostgreSQL;
    SQLite's writers take turns anyway). A writer that changes owners locks them all at
    once, before and after, so that the listeners' locks, taken a few at a time, never wait
    on each other the other way round (a deadlock)."""
    from salespath.org.models import User

    ids = sorted({int(pk) for pk in owner_ids if pk is not None})
    if ids:
        list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


# Sent with `event` (the name of a function in `salespath.notifications.work`) and `subject`
# at the end of a service's transaction: work now waits on someone. The notifications app,
# above the pipeline, listens (`salespath/notifications/apps.py`); receivers run before
# `send` returns, so the notification is recorded with the change or not at all.
work_waiting = Signal()
