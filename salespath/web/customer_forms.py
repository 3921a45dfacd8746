"""Forms of the customer pages: the profile, a contact, an S1.3/S1.4 attestation, the
supervisor's target mark, a new customer and a new opportunity. Each calls one service."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salespath.catalog.models import ProductCategory
from salespath.customers.models import (
    CompanySize,
    ContactRole,
    Customer,
    EconomicCondition,
    Industry,
    SystemStatus,
)
from salespath.org.models import User
from salespath.pipeline.models import ForecastCategory
from salespath.pipeline.qualification import ATTESTED_CODES
from salespath.policy import visible_people

from .forms import DomainErrorsMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("", _("Unknown")), ("true", _("Yes")), ("false", _("No"))]
TEXTAREA = forms.Textarea(attrs={"rows": 2})


def _yes_no(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        required=False,
        coerce=lambda value: value == "true",
        empty_value=None,
    )


def _blank_first(choices) -> list:
    return [("", "—"), *choices]


class CustomerProfileForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Customer name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.all(), required=False, to_field_name="code"
    )
    size = forms.ChoiceField(
        label=_("Size"), choices=_blank_first(CompanySize.choices), required=False
    )
    headcount = forms.IntegerField(label=_("Headcount"), min_value=0, required=False)
    is_group_enterprise = _yes_no(_("Group enterprise"))
    is_multi_site = _yes_no(_("Multi-site"))
    background = forms.CharField(label=_("Background"), required=False, widget=TEXTAREA)
    it_hardware = forms.CharField(label=_("Existing hardware"), required=False, widget=TEXTAREA)
    it_software = forms.CharField(label=_("Existing software"), required=False, widget=TEXTAREA)
    it_network = forms.CharField(label=_("Existing network"), required=False, widget=TEXTAREA)
    it_need = forms.CharField(label=_("IT need"), required=False, widget=TEXTAREA)
    economic_condition = forms.ChoiceField(
        label=_("Economic condition"),
        choices=_blank_first(EconomicCondition.choices),
        required=False,
    )
    current_system_status = forms.ChoiceField(
        label=_("Current system"), choices=_blank_first(SystemStatus.choices), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, widget=TEXTAREA)

    @classmethod
    def for_customer(cls, customer: Customer) -> CustomerProfileForm:
        initial = {name: getattr(customer, name) for name in cls.base_fields if name != "industry"}
        initial["industry"] = customer.industry_id and customer.industry.code
        for name in ("is_group_enterprise", "is_multi_site"):
            value = getattr(customer, name)
            initial[name] = "" if value is None else ("true" if value else "false")
        return cls(initial=initial)


class NewCustomerForm(CustomerProfileForm):
    owner = forms.ModelChoiceField(label=_("Account manager"), queryset=User.objects.none())

    field_order = ["name", "name_en", "owner"]

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = visible_people(user).order_by("display_name", "username")
        self.fields["owner"].initial = user.pk


class ContactForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    project_role = forms.ChoiceField(
        label=_("Role in the customer's project"), choices=ContactRole.choices
    )
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class CustomerAttestForm(DomainErrorsMixin, forms.Form):
    criterion = forms.ChoiceField(
        label=_("Criterion"), choices=[(code, code) for code in ATTESTED_CODES]
    )
    note = forms.CharField(label=_("What you saw, and where"), widget=TEXTAREA)


class MarkTargetForm(DomainErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is it a target customer although S1 is not fully met?"), widget=TEXTAREA
    )


class CustomerPicker(forms.Widget):
    """A customer picked from a search: what is typed asks `web:customer_choices` for the
    viewer's customers whose name matches (HTMX), shown as radio buttons named like the
    field; the customer already chosen (from the customer's page, or a refused form) is
    shown checked. An executive sees 200,000 customers at scale L: a select of all of them
    made the page 10 MB and 12 s."""

    template_name = "web/widgets/customer_picker.html"
    chosen: Customer | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["chosen"] = self.chosen
        context["widget"]["search_url"] = reverse("web:customer_choices")
        return context


class NewOpportunityForm(DomainErrorsMixin, forms.Form):
    """A new opportunity (S2) of a customer, with its first product line."""

    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.none(),
        widget=CustomerPicker,
        help_text=_("Type part of the customer's name and pick it."),
    )
    owner = forms.ModelChoiceField(label=_("Account manager"), queryset=User.objects.none())
    name = forms.CharField(label=_("Project name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    expected_close = forms.DateField(label=_("Expected close date"), widget=DATE)
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=ProductCategory.objects.filter(active=True)
    )
    amount = forms.DecimalField(label=_("Amount (¥)"), min_value=0, decimal_places=2, max_digits=14)
    forecast_category = forms.ChoiceField(
        label=_("Forecast category"),
        choices=ForecastCategory.choices,
        initial=ForecastCategory.PIPELINE,
    )
    customer_need = forms.CharField(label=_("Customer need"), required=False, widget=TEXTAREA)

    def __init__(self, *args, user: User, customers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers.order_by("name")
        chosen = self["customer"].value()
        if chosen and str(chosen).isdigit():
            self.fields["customer"].widget.chosen = customers.filter(pk=chosen).first()
        self.fields["owner"].queryset = visible_people(user).order_by("display_name", "username")
        self.fields["owner"].initial = user.pk

    def arguments(self) -> dict:
        """The form's input as `opportunity_create` takes it."""
        data = dict(self.cleaned_data)
        product, amount = data.pop("product"), data.pop("amount")
        data["lines"] = [(product, amount)]
        return data
