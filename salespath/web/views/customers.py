"""Customer pages: the list of customers one may see, a customer's profile with its forms
(profile, contacts, S1.3/S1.4 attestations, the supervisor's target mark), new customer and
new opportunity. Each write calls one service of `salespath.customers` or `pipeline`."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from salespath.customers import services as customer_services
from salespath.customers.models import Customer
from salespath.errors import DomainError, NotAllowed, NotFound
from salespath.pipeline import policy as pipeline_policy
from salespath.pipeline import services as pipeline_services
from salespath.pipeline.qualification import ATTESTED_CODES, qualify_customer
from salespath.policy import visible_customers

from ..customer_forms import (
    ContactForm,
    CustomerAttestForm,
    CustomerProfileForm,
    MarkTargetForm,
    NewCustomerForm,
    NewOpportunityForm,
)
from ..queries import card_queryset, customer_rows, customers_matching, visible
from .base import page, query_without_paging, render_page
from .posts import post_only

CUSTOMER_PAGE = 50


@page
def customer_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    customers = customer_rows(request.user, text)
    current = Paginator(customers, CUSTOMER_PAGE).get_page(request.GET.get("page"))
    context = {"page_obj": current, "q": text, "query": query_without_paging(request)}
    return render_page(request, "web/customers/list.html", context)


def _customer(request: HttpRequest, pk: int) -> Customer:
    customer = (
        Customer.objects.filter(pk__in=visible_customers(request.user).values("pk"))
        .select_related("owner", "industry", "target_override_by")
        .filter(pk=pk)
        .first()
    )
    if customer is None:
        raise Http404
    return customer


def render_customer(
    request: HttpRequest, customer: Customer, *, status: int = 200, **forms
) -> HttpResponse:
    user = request.user
    opportunities = card_queryset(visible(user).filter(customer=customer)).order_by(
        "status", "-stage__order", "expected_close"
    )
    may_edit = pipeline_policy.may_edit_customer(user, customer)
    context = {
        "customer": customer,
        "qualification": qualify_customer(customer),
        "contacts": list(customer.contacts.order_by("project_role", "name")),
        "opportunities": list(opportunities),
        "activities": list(
            customer.activities.select_related("person", "opportunity").order_by(
                "-occurred_on", "-pk"
            )[:30]
        ),
        "may_edit": may_edit,
        "may_mark_target": pipeline_policy.may_mark_target(user, customer),
        "open_form": next(iter(forms), ""),
    }
    if may_edit:
        context["profile_form"] = forms.get("profile") or CustomerProfileForm.for_customer(customer)
        context["contact_form"] = forms.get("contact") or ContactForm()
        unattested = [
            result.code
            for result in context["qualification"].results
            if result.code in ATTESTED_CODES and not result.met
        ]
        if unattested or "attest" in forms:  # nothing left to attest: no button
            context["attest_form"] = forms.get("attest") or CustomerAttestForm()
    if context["may_mark_target"]:
        context["target_form"] = forms.get("target") or MarkTargetForm()
    return render(request, "web/customers/page.html", context, status=status)


@page
def customer_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render_customer(request, _customer(request, pk))


def _contact(customer, by, data):
    customer_services.contact_add(customer=customer, by=by, **data)


def _attest(customer, by, data):
    pipeline_services.attestation_add(customer=customer, by=by, **data)


def _target(customer, by, data):
    customer_services.customer_mark_target(customer=customer, by=by, **data)


def _profile(customer, by, data):
    customer_services.customer_update(customer=customer, by=by, **data)


CUSTOMER_ACTIONS = {
    "profile": (CustomerProfileForm, _profile, "profile"),
    "contact": (ContactForm, _contact, "contacts"),
    "attest": (CustomerAttestForm, _attest, "qualification"),
    "target": (MarkTargetForm, _target, "qualification"),
}


@post_only("web:customer", args=lambda pk, action: [pk])
@page
def customer_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Edit the profile, add a contact, attest S1.3/S1.4, mark as target: a refusal shows the
    page again with the input kept and the problem next to its field (422)."""
    customer = _customer(request, pk)
    if action not in CUSTOMER_ACTIONS:
        raise Http404
    form_class, perform, section = CUSTOMER_ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            perform(customer, request.user, form.cleaned_data)
        except (NotFound, NotAllowed):
            raise
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("web:customer", args=[pk]) + f"#{section}")
    customer.refresh_from_db()
    return render_customer(request, customer, status=422, **{action: form})


@page
def customer_new(request: HttpRequest) -> HttpResponse:
    form = NewCustomerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        owner = data.pop("owner")
        try:
            customer = customer_services.customer_create(owner=owner, by=request.user, **data)
        except NotFound:
            raise
        except DomainError as error:  # NotAllowed too: the form names whom one may not pick
            form.add_domain_error(error)
        else:
            messages.success(request, _("Customer created."))
            return redirect("web:customer", customer.pk)
    status = 422 if form.is_bound else 200
    return render(request, "web/customers/new.html", {"form": form}, status=status)


@page
def opportunity_new(request: HttpRequest) -> HttpResponse:
    customers = Customer.objects.filter(pk__in=visible_customers(request.user).values("pk"))
    initial = {"customer": request.GET.get("customer")}
    form = NewOpportunityForm(
        request.POST or None, initial=initial, user=request.user, customers=customers
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = pipeline_services.opportunity_create(by=request.user, **form.arguments())
        except NotFound:
            raise
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Opportunity created."))
            return redirect("web:opportunity", created.pk)
    status = 422 if form.is_bound else 200
    return render(request, "web/customers/new_opportunity.html", {"form": form}, status=status)


@page
def customer_choices(request: HttpRequest) -> HttpResponse:
    """The customer picker's choices (`customer_forms.CustomerPicker`): radio buttons of the
    viewer's customers matching the text the picker sends as `customer_search`."""
    typed = request.GET.get("customer_search", "")[:100]
    customers = customers_matching(request.user, typed)
    context = {"customers": customers, "typed": typed.strip()}
    return render(request, "web/widgets/_customer_choices.html", context)
