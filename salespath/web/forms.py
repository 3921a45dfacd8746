"""Forms of the web pages: filters here; the writes' inputs go straight to the services."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from salespath.activities.models import ActivityKind
from salespath.catalog.models import ProductCategory
from salespath.org.models import Team, User
from salespath.pipeline.models import ForecastCategory, Stage, Status
from salespath.policy import visible_people

from .queries import BOARD_STAGES

STATUS_CHOICES = [("", _("Open and won")), *Status.choices, ("all", _("All"))]


class PlainSelect(forms.Select):
    """A select written in one pass instead of a template per option: the filters offer an
    executive every person and team of the company (thousands of options at scale), which
    Django's option templates took most of the board's time to write. Same markup, no
    option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (choice, " selected" if str(choice) in chosen else "", label)
                for choice, label in self.choices
            ),
        )
        return format_html(
            "<select{}>{}</select>",
            flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name})),
            options,
        )


class PipelineFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Project or customer, 中文 or English")}
        ),
    )
    stage = forms.ModelChoiceField(
        label=_("Stage"),
        queryset=Stage.objects.none(),
        required=False,
        empty_label=_("All"),
        widget=PlainSelect,
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    owner = forms.ModelChoiceField(
        label=_("Account manager"),
        queryset=User.objects.none(),
        required=False,
        widget=PlainSelect,
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, widget=PlainSelect
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=ProductCategory.objects.none(),
        required=False,
        widget=PlainSelect,
    )
    category = forms.ChoiceField(
        label=_("Forecast category"),
        choices=[("", _("All")), *ForecastCategory.choices],
        required=False,
    )
    close_from = forms.DateField(
        label=_("Close from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    close_to = forms.DateField(
        label=_("Close to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        people = visible_people(user)
        self.fields["stage"].queryset = Stage.objects.filter(code__in=BOARD_STAGES)
        self.fields["owner"].queryset = people.order_by("display_name", "username").only(
            "username",
            "display_name",
            "first_name",
            "last_name",  # all that `str` reads
        )
        self.fields["team"].queryset = Team.objects.filter(
            pk__in=people.exclude(team=None).values("team")
        ).select_related("branch")
        self.fields["product"].queryset = ProductCategory.objects.filter(active=True)
        for name in ("stage", "owner", "team", "product"):
            self.fields[name].empty_label = _("All")

    def apply(self, opportunities: QuerySet, *, board: bool = False) -> QuerySet:
        """Narrow `opportunities` by the valid filters (invalid ones are shown, not applied)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            text = data["q"].strip()
            opportunities = opportunities.filter(
                Q(name__icontains=text)
                | Q(name_en__icontains=text)
                | Q(customer__name__icontains=text)
                | Q(customer__name_en__icontains=text)
            )
        if data.get("stage") and not board:
            opportunities = opportunities.filter(stage=data["stage"])
        status = data.get("status", "")
        if status == "":
            opportunities = opportunities.exclude(status=Status.LOST)
        elif status != "all":
            opportunities = opportunities.filter(status=status)
        if data.get("owner"):
            opportunities = opportunities.filter(owner=data["owner"])
        if data.get("team"):
            opportunities = opportunities.filter(owner__team=data["team"])
        if data.get("product"):
            opportunities = opportunities.filter(lines__product=data["product"])
        if data.get("category"):
            opportunities = opportunities.filter(forecast_category=data["category"])
        if data.get("close_from"):
            opportunities = opportunities.filter(expected_close__gte=data["close_from"])
        if data.get("close_to"):
            opportunities = opportunities.filter(expected_close__lte=data["close_to"])
        return opportunities


class DomainErrorsMixin:
    """Show a service's refusal on the form: per field where it names one, else on top."""

    stale = False

    def add_domain_error(self, error) -> None:
        if getattr(error, "code", "") == "stale_version":
            self.stale = True
        placed = False
        for name, problems in (getattr(error, "fields", None) or {}).items():
            if name in self.fields:
                for problem in problems:
                    self.add_error(name, problem)
                placed = True
        if not placed:
            self.add_error(None, error.message)


class OpportunityEditForm(DomainErrorsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Project name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    expected_close = forms.DateField(
        label=_("Expected close date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Leave empty to use the stage's default."),
    )
    forecast_category = forms.ChoiceField(
        label=_("Forecast category"), choices=ForecastCategory.choices
    )
    budget_amount = forms.DecimalField(
        label=_("Customer budget (¥)"), required=False, min_value=0, decimal_places=2
    )
    customer_need = forms.CharField(
        label=_("Customer need"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    no_competitors_known = forms.BooleanField(label=_("No competing vendor known"), required=False)
    note = forms.CharField(
        label=_("Other"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    FIELDS = (
        "name",
        "name_en",
        "expected_close",
        "probability",
        "forecast_category",
        "budget_amount",
        "customer_need",
        "no_competitors_known",
        "note",
    )

    def __init__(self, *args, opportunity, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.opportunity = opportunity

    @classmethod
    def for_opportunity(cls, opportunity) -> OpportunityEditForm:
        initial = {name: getattr(opportunity, name) for name in cls.FIELDS}
        initial["version"] = opportunity.version
        if not opportunity.probability_manual:
            initial["probability"] = None
        return cls(initial=initial, opportunity=opportunity)

    def changes(self) -> dict:
        """The fields the person changed, as `opportunity_update` takes them."""
        current = self.opportunity
        changed = {}
        for name in self.FIELDS:
            value = self.cleaned_data.get(name)
            if name == "probability":
                was = current.probability if current.probability_manual else None
            else:
                was = getattr(current, name)
            if name in ("name_en", "customer_need", "note", "name"):
                value = value or ""
            if value != was:
                changed[name] = value
        return changed


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    occurred_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0, max_value=24, decimal_places=2, initial=1
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InitiationForm(forms.Form):
    requirements = forms.CharField(
        label=_("Project requirements"), widget=forms.Textarea(attrs={"rows": 3})
    )
    budget = forms.DecimalField(
        label=_("Preliminary budget (¥)"), required=False, min_value=0, decimal_places=2
    )
    schedule = forms.CharField(
        label=_("Customer's schedule"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    selection_team = forms.CharField(
        label=_("Selection team and leadership support"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    competition = forms.CharField(
        label=_("Consultants and competitors involved"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    guidance = forms.CharField(
        label=_("How we guided the customer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InitiationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    project_manager = forms.ModelChoiceField(
        label=_("Project manager"), queryset=User.objects.none(), required=False
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project_manager"].queryset = candidates
