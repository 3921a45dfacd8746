"""Customer pages: the list of customers one may see and a customer's profile."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse

from salespath.customers.models import Customer
from salespath.customers.qualification import qualify_customer
from salespath.policy import visible_customers

from ..queries import card_queryset, visible
from .base import page, render_page

CUSTOMER_PAGE = 50


@page
def customer_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    customers = Customer.objects.filter(pk__in=visible_customers(request.user).values("pk"))
    if text:
        customers = customers.filter(Q(name__icontains=text) | Q(name_en__icontains=text))
    customers = (
        customers.select_related("owner", "industry")
        .annotate(open_deals=Count("opportunities", filter=Q(opportunities__status="open")))
        .order_by("name", "pk")
    )
    current = Paginator(customers, CUSTOMER_PAGE).get_page(request.GET.get("page"))
    return render_page(request, "web/customers/list.html", {"page_obj": current, "q": text})


@page
def customer_page(request: HttpRequest, pk: int) -> HttpResponse:
    customer = (
        Customer.objects.filter(pk__in=visible_customers(request.user).values("pk"))
        .select_related("owner", "industry", "target_override_by")
        .filter(pk=pk)
        .first()
    )
    if customer is None:
        raise Http404
    opportunities = card_queryset(visible(request.user).filter(customer=customer)).order_by(
        "status", "-stage__order", "expected_close"
    )
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
    }
    return render_page(request, "web/customers/page.html", context)
