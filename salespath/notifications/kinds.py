"""The kinds of notification: what each says, written once.

Title and text are msgids with %(name)s placeholders, translated into the recipient's
language when the notification is made (`services.notify`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class Kind:
    code: str
    label: object  # lazy translation, for lists and the admin
    title: str
    body: str


KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in [
        Kind(
            "overdue",
            _("Deal overdue"),
            gettext_noop("Overdue: %(deal)s"),
            gettext_noop(
                "The expected close date of %(deal)s was %(date)s and it is still open. "
                "Update the date or close the deal."
            ),
        ),
        Kind(
            "stuck",
            _("Deal stuck in its stage"),
            gettext_noop("Stuck in %(stage)s: %(deal)s"),
            gettext_noop(
                "%(deal)s (%(owner)s) has been in %(stage)s since %(date)s, longer than "
                "the stage's %(days)s days."
            ),
        ),
        Kind(
            "initiation_requested",
            _("Initiation request to decide"),
            gettext_noop("Initiation request: %(deal)s"),
            gettext_noop("%(requester)s asks to initiate the project %(deal)s. Please decide."),
        ),
        Kind(
            "initiation_approved",
            _("Initiation request approved"),
            gettext_noop("Initiation approved: %(deal)s"),
            gettext_noop("%(decider)s approved the initiation of %(deal)s. %(comment)s"),
        ),
        Kind(
            "initiation_rejected",
            _("Initiation request rejected"),
            gettext_noop("Initiation rejected: %(deal)s"),
            gettext_noop("%(decider)s rejected the initiation of %(deal)s. %(comment)s"),
        ),
        Kind(
            "payment_recorded",
            _("Payment to confirm"),
            gettext_noop("Payment to confirm: %(deal)s"),
            gettext_noop(
                "%(by)s recorded a payment of %(amount)s for %(deal)s. Please confirm it."
            ),
        ),
        Kind(
            "gate_override",
            _("Stage gate overridden"),
            gettext_noop("Gate overridden: %(deal)s"),
            gettext_noop("%(by)s moved %(deal)s to %(stage)s past its gate. Reason: %(reason)s"),
        ),
        Kind(
            "forecast_reminder",
            _("Forecast due"),
            gettext_noop("Forecast due by %(deadline)s"),
            gettext_noop(
                "Submit your forecast as of %(date)s by %(deadline)s. If you do not, it is "
                "frozen automatically at the deadline."
            ),
        ),
        Kind(
            "forecast_missing",
            _("Team forecasts missing"),
            gettext_noop("%(count)s forecasts missing for %(date)s"),
            gettext_noop("Not yet submitted as of %(date)s (deadline %(deadline)s): %(people)s."),
        ),
        Kind(
            "forecast_auto",
            _("Forecast frozen automatically"),
            gettext_noop("Your forecast as of %(date)s was frozen automatically"),
            gettext_noop(
                "You did not submit by the deadline, so your forecast was frozen as it stood "
                "on %(date)s, marked auto."
            ),
        ),
        Kind(
            "forecast_auto_team",
            _("Team forecasts frozen automatically"),
            gettext_noop("%(count)s forecasts frozen automatically for %(date)s"),
            gettext_noop("Frozen automatically at the deadline as of %(date)s: %(people)s."),
        ),
        Kind(
            "digest",
            _("Weekly digest"),
            gettext_noop("Your week %(week)s on the roadmap"),
            gettext_noop("%(lines)s"),
        ),
        Kind(
            "digest_team",
            _("Team weekly digest"),
            gettext_noop("Your team's week %(week)s on the roadmap"),
            gettext_noop("%(lines)s"),
        ),
        Kind(
            "phase_ended",
            _("Roadmap phase ended with goals unmet"),
            gettext_noop("%(person)s ended %(phase)s with goals unmet"),
            gettext_noop(
                "%(person)s's phase %(phase)s has ended. Goals not met: %(goals)s. "
                "Review the roadmap and its sign-off."
            ),
        ),
    ]
}
