"""`salespath verify [--repair]`: compare every derived value (branches, the copies on the
opportunities, the forecast rollup and the day's rows) with a recomputation from its source
rows. Prints each check's result; exit status 1 if anything differs. `--repair` mends what
differs through the writers' own code, then checks again. See docs/verify.md."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from salespath.forecast.integrity import verify


class Command(BaseCommand):
    help = "Check all derived data against its source rows (and repair it with --repair)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="mend what differs, then check again"
        )

    def handle(self, *args, **options):
        findings = verify(repair=options["repair"])
        self._write(findings)
        if options["repair"] and any(f.count for f in findings):
            self.stdout.write(_("Checking again after the repair:"))
            findings = verify()
            self._write(findings)
        drifted = [f for f in findings if f.count]
        if drifted:
            raise CommandError(
                _("Derived data differs from its source in %(n)s checks: %(names)s.")
                % {"n": len(drifted), "names": ", ".join(f.check for f in drifted)}
            )
        self.stdout.write(_("All derived data matches its source rows."))

    def _write(self, findings) -> None:
        for finding in findings:
            if not finding.count:
                self.stdout.write(_("ok      %(check)s: %(label)s") % vars(finding))
                continue
            line = _("DIFFERS %(check)s: %(label)s: %(count)s rows") % vars(finding)
            if finding.repaired:
                line += " " + _("(repaired)")
            self.stdout.write(line)
            for example in finding.examples:
                self.stdout.write(f"        {example}")
