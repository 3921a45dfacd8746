"""salespath notifications [--user U] [--format table|json]: notifications and their sends."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.notifications.queries import notifications_for
from salespath.org.models import User


class Command(BaseCommand):
    help = "List notifications and the state of their deliveries."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Only this person's (username).")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--limit", type=int, default=100)

    def handle(self, *args, user=None, format="table", limit=100, **options):
        person = None
        if user:
            person = User.objects.filter(username=user).first()
            if person is None:
                raise CommandError(_("There is no person with the username “%(u)s”.") % {"u": user})
        rows = [
            {
                "id": n.pk,
                "recipient": n.recipient.username,
                "kind": n.kind,
                "key": n.key,
                "title": n.title,
                "link": n.link,
                "created_at": timezone.localtime(n.created_at).isoformat(timespec="minutes"),
                "read": n.read_at is not None,
                "deliveries": [
                    {
                        "channel": d.channel,
                        "state": d.state,
                        "attempts": d.attempts,
                        "last_error": d.last_error,
                    }
                    for d in n.deliveries.all()
                ],
            }
            for n in notifications_for(person)[:limit]
        ]
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            sends = ", ".join(
                f"{d['channel']}:{d['state']}({d['attempts']})" for d in row["deliveries"]
            )
            mark = " " if row["read"] else "*"
            self.stdout.write(
                f"{mark} {row['created_at']}  {row['recipient']:<12} {row['kind']:<22} "
                f"{row['title']}  [{sends or '-'}]"
            )
