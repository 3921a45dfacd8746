"""The stage work on the opportunity page as forms: each form reads its input and calls one
service of `salespath.pipeline.services`. A service's refusal (DomainError with `.fields`) is
shown next to the field it names, or on top of the form.

`WORK_FORMS` maps the action in the URL to its form; a form's `perform(opportunity, by)` does
the write, `section` is where the page shows it.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salespath.customers.models import Competitor
from salespath.errors import NotFound
from salespath.org.models import User
from salespath.pipeline import services
from salespath.pipeline.models import KeyDate, Opportunity, ProjectRole, Quote

from .forms import DomainErrorsMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
INSTALLMENT_ROWS = 4


def _money(label) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=0, decimal_places=2, max_digits=14)


class WorkForm(DomainErrorsMixin, forms.Form):
    section = ""
    success = _("Saved.")

    def __init__(self, *args, opportunity: Opportunity, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.opportunity = opportunity

    def perform(self, opportunity: Opportunity, by: User) -> None:  # pragma: no cover
        raise NotImplementedError


class ItemForm(WorkForm):
    """Acts on one row of the opportunity (a key date, a competitor, an objection, a member):
    the row is looked up among the opportunity's own, so another deal's row is a 404."""

    item = forms.IntegerField(widget=forms.HiddenInput)
    related = ""

    def row(self, opportunity: Opportunity):
        found = getattr(opportunity, self.related).filter(pk=self.cleaned_data["item"]).first()
        if found is None:
            raise NotFound(_("This row is no longer on the opportunity."))
        return found


class QuoteForm(WorkForm):
    section = "quotes"
    success = _("Quote recorded.")
    kind = forms.ChoiceField(label=_("Kind"), choices=Quote.Kind.choices)
    quoted_on = forms.DateField(label=_("Quoted on"), required=False, widget=DATE)
    software_fee = _money(_("Software fee (¥)"))
    implementation_fee = _money(_("Implementation fee (¥)"))
    service_fee = _money(_("Service fee (¥)"))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def perform(self, opportunity, by):
        services.quote_add(opportunity=opportunity, by=by, **self.cleaned_data)


class KeyDateForm(WorkForm):
    section = "key-dates"
    success = _("Key date recorded.")
    kind = forms.ChoiceField(label=_("Kind"), choices=KeyDate.Kind.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def perform(self, opportunity, by):
        services.key_date_add(opportunity=opportunity, by=by, **self.cleaned_data)


class KeyDateRemoveForm(ItemForm):
    section = "key-dates"
    success = _("Key date removed.")
    related = "key_dates"

    def perform(self, opportunity, by):
        services.key_date_remove(key_date=self.row(opportunity), by=by)


class CompetitorForm(WorkForm):
    section = "competitors"
    success = _("Competitor recorded.")
    competitor = forms.CharField(label=_("Competitor's name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Competitor.Kind.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def perform(self, opportunity, by):
        services.competitor_add(opportunity=opportunity, by=by, **self.cleaned_data)


class CompetitorRemoveForm(ItemForm):
    section = "competitors"
    success = _("Competitor removed.")
    related = "competitors"

    def perform(self, opportunity, by):
        services.competitor_remove(involved=self.row(opportunity), by=by)


class NoCompetitorForm(WorkForm):
    """ "No competing vendor known" (S2.3): a field of the opportunity, with the version check."""

    section = "competitors"
    success = _("Saved.")
    version = forms.IntegerField(widget=forms.HiddenInput)
    no_competitors_known = forms.BooleanField(label=_("No competing vendor known"), required=False)

    def perform(self, opportunity, by):
        services.opportunity_update(
            opportunity=opportunity,
            version=self.cleaned_data["version"],
            by=by,
            no_competitors_known=self.cleaned_data["no_competitors_known"],
        )


class ObjectionForm(WorkForm):
    section = "objections"
    success = _("Objection recorded.")
    description = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 2}))
    raised_on = forms.DateField(label=_("Raised on"), required=False, widget=DATE)

    def perform(self, opportunity, by):
        services.objection_add(opportunity=opportunity, by=by, **self.cleaned_data)


class ObjectionResolveForm(ItemForm):
    section = "objections"
    success = _("Objection resolved.")
    related = "objections"
    handling = forms.CharField(label=_("How it was handled"), max_length=1000)

    def perform(self, opportunity, by):
        services.objection_resolve(
            objection=self.row(opportunity), handling=self.cleaned_data["handling"], by=by
        )


class ContractForm(WorkForm):
    """落单 with its installments: up to four rows of due date and amount (empty rows are
    skipped); the service checks that they add up to the contract amount."""

    section = "contract"
    success = _("Contract recorded.")
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    amount = _money(_("Contract amount (¥)"))
    payment_terms = forms.CharField(
        label=_("Payment terms"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, INSTALLMENT_ROWS + 1):
            self.fields[f"due_{n}"] = forms.DateField(
                label=_("Installment %(n)s due") % {"n": n}, required=False, widget=DATE
            )
            self.fields[f"part_{n}"] = forms.DecimalField(
                label=_("Installment %(n)s amount (¥)") % {"n": n},
                required=False,
                min_value=0,
                decimal_places=2,
                max_digits=14,
            )

    def installment_rows(self) -> list[tuple]:
        return [(self[f"due_{n}"], self[f"part_{n}"]) for n in range(1, INSTALLMENT_ROWS + 1)]

    def add_domain_error(self, error) -> None:
        # The service names "installments"; show it above the rows.
        fields = getattr(error, "fields", None) or {}
        if "installments" in fields:
            for problem in fields["installments"]:
                self.add_error(None, problem)
            return
        super().add_domain_error(error)

    def perform(self, opportunity, by):
        data = self.cleaned_data
        installments = [
            (data[f"due_{n}"], data[f"part_{n}"])
            for n in range(1, INSTALLMENT_ROWS + 1)
            if data.get(f"due_{n}") or data.get(f"part_{n}") is not None
        ]
        services.contract_sign(
            opportunity=opportunity,
            by=by,
            signed_on=data["signed_on"],
            amount=data["amount"],
            payment_terms=data["payment_terms"],
            installments=installments,
        )


class PaymentForm(WorkForm):
    section = "contract"
    success = _("Payment recorded; finance will confirm it.")
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    amount = _money(_("Amount (¥)"))

    def perform(self, opportunity, by):
        contract = getattr(opportunity, "contract", None)
        if contract is None:
            raise NotFound(_("This opportunity has no contract yet."))
        services.payment_record(contract=contract, by=by, **self.cleaned_data)


class ShipmentForm(WorkForm):
    section = "shipment"
    success = _("Shipment recorded.")
    hq_ordered_on = forms.DateField(
        label=_("Ordered from headquarters"), required=False, widget=DATE
    )
    shipped_on = forms.DateField(label=_("Shipped"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def perform(self, opportunity, by):
        services.shipment_record(opportunity=opportunity, by=by, **self.cleaned_data)


class PersonInput(forms.TextInput):
    """A person picked by user name, with suggestions as one types: the input asks
    `web:people` for the active people matching what is typed (HTMX) and shows them in a
    `<datalist>`. A company of thousands is never listed into the page (issue 20: a select
    of every person made each deal page 2,300 options long)."""

    template_name = "web/widgets/person_input.html"

    def __init__(self, attrs=None) -> None:
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        attrs["list"] = f"{attrs['id']}-people"
        attrs["hx-get"] = reverse("web:people")
        attrs["hx-trigger"] = "input changed delay:250ms"
        attrs["hx-target"] = f"#{attrs['list']}"
        return context


class TeamMemberForm(WorkForm):
    section = "team"
    success = _("Team member added.")
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.filter(is_active=True),
        to_field_name="username",
        widget=PersonInput,
        help_text=_("Type a name or a user name and pick the person."),
        error_messages={"invalid_choice": _("No active person has this user name.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=ProjectRole.choices)

    def perform(self, opportunity, by):
        services.team_member_add(opportunity=opportunity, by=by, **self.cleaned_data)


class TeamMemberRemoveForm(ItemForm):
    section = "team"
    success = _("Team member removed.")
    related = "team"

    def perform(self, opportunity, by):
        services.team_member_remove(member=self.row(opportunity), by=by)


class LoseForm(WorkForm):
    """丢单: the reason, and the competitor who won where known (one recorded on the deal)."""

    section = "status"
    success = _("Marked as lost.")
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why was it lost?"), widget=forms.Textarea(attrs={"rows": 2}))
    lost_to = forms.ModelChoiceField(
        label=_("Who won it"), queryset=Competitor.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lost_to"].queryset = Competitor.objects.filter(
            opportunities__opportunity=self.opportunity
        ).order_by("name")
        self.fields["lost_to"].empty_label = _("Not known")

    def perform(self, opportunity, by):
        services.opportunity_lose(opportunity=opportunity, by=by, **self.cleaned_data)


class ReopenForm(WorkForm):
    section = "status"
    success = _("Reopened.")
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why is it open again?"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def perform(self, opportunity, by):
        services.opportunity_reopen(opportunity=opportunity, by=by, **self.cleaned_data)


WORK_FORMS: dict[str, type[WorkForm]] = {
    "quote": QuoteForm,
    "key-date": KeyDateForm,
    "key-date-remove": KeyDateRemoveForm,
    "competitor": CompetitorForm,
    "competitor-remove": CompetitorRemoveForm,
    "no-competitor": NoCompetitorForm,
    "objection": ObjectionForm,
    "objection-resolve": ObjectionResolveForm,
    "contract": ContractForm,
    "payment": PaymentForm,
    "shipment": ShipmentForm,
    "member": TeamMemberForm,
    "member-remove": TeamMemberRemoveForm,
    "lose": LoseForm,
    "reopen": ReopenForm,
}
# The forms shown empty on the page (the remove/resolve ones are per row, in the template).
PAGE_FORMS = (
    "quote",
    "key-date",
    "competitor",
    "objection",
    "contract",
    "payment",
    "shipment",
    "member",
    "lose",
    "reopen",
)


def page_forms(opportunity: Opportunity, bound: dict | None = None) -> dict[str, WorkForm]:
    """The empty forms of the page keyed by action with `_` for `-` (templates can't read
    dashes), the bound one (with its errors) in place of its empty twin."""
    made = {}
    for action in PAGE_FORMS:
        form = (bound or {}).get(action)
        if form is None:
            initial = {"version": opportunity.version}
            form = WORK_FORMS[action](initial=initial, opportunity=opportunity)
        made[action.replace("-", "_")] = form
    return made
