"""Customers and their contacts: read what one may see, write through the customer services,
S1 qualification (criteria, attestations on the customer, the supervisor's target mark)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from salespath import policy
from salespath.customers import errors as customer_errors
from salespath.customers.models import Contact, Customer
from salespath.customers.services import (
    contact_add,
    customer_create,
    customer_mark_target,
    customer_update,
)
from salespath.errors import DomainError
from salespath.pipeline import policy as pipeline_policy
from salespath.pipeline.models import Attestation
from salespath.pipeline.qualification import qualify_customer
from salespath.pipeline.services import attestation_add, attestation_withdraw

from . import access, inputs
from . import serializers as s
from .base import ID, given, validated
from .views import ReadOnly

PROFILE = tuple(inputs.CustomerUpdateInput().fields)


class CustomerViewSet(ReadOnly):
    queryset = Customer.objects.none()  # for the schema
    serializer_class = s.CustomerSerializer
    ordering_fields = ["name", "created_on", "updated_at"]
    filterset_fields = {"updated_at": ["gte"], "owner__username": ["exact"]}

    def get_queryset(self):
        return (
            policy.visible_customers(self.request.user)
            .select_related("owner", "industry")
            .order_by("name", "id")
        )

    def _answer(self, customer: Customer, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=customer.pk)
        return Response(s.CustomerSerializer(fresh).data, status=code)

    @extend_schema(request=inputs.CustomerCreateInput, responses={201: s.CustomerSerializer})
    def create(self, request):
        data = validated(inputs.CustomerCreateInput, request)
        owner = data.pop("owner", None) or request.user
        customer = customer_create(owner=owner, by=request.user, **data)
        return self._answer(customer, status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.CustomerUpdateInput, responses={200: s.CustomerSerializer}, parameters=[ID]
    )
    def partial_update(self, request, pk=None):
        customer = access.customer(request.user, pk)
        changes = given(validated(inputs.CustomerUpdateInput, request), *PROFILE)
        customer_update(customer=customer, by=request.user, **changes)
        return self._answer(customer)

    @extend_schema(responses={200: s.CriteriaSerializer}, parameters=[ID])
    @action(detail=True, methods=["get"])
    def criteria(self, request, pk=None):
        """S1 (target customer): each criterion met or not, with the evidence or attestation."""
        customer = access.customer(request.user, pk)
        qualification = qualify_customer(customer)
        return Response(
            {
                "customer": customer.pk,
                "is_target": qualification.is_target,
                "criteria": [result.as_dict() for result in qualification.results],
            }
        )

    @extend_schema(
        request=inputs.CustomerAttestInput,
        responses={201: s.AttestationSerializer},
        parameters=[ID],
    )
    @action(detail=True, methods=["post"])
    def attest(self, request, pk=None):
        """Vouch for an attested S1 criterion (S1.3, S1.4) with a note."""
        customer = access.customer(request.user, pk)
        data = validated(inputs.CustomerAttestInput, request)
        attestation = attestation_add(
            criterion=data["criterion"], by=request.user, note=data["note"], customer=customer
        )
        return Response(s.AttestationSerializer(attestation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.WithdrawInput, responses={200: s.AttestationSerializer}, parameters=[ID]
    )
    @action(detail=True, methods=["post"], url_path="withdraw-attestation")
    def withdraw_attestation(self, request, pk=None):
        customer = access.customer(request.user, pk)
        data = validated(inputs.WithdrawInput, request)
        if not pipeline_policy.may_edit_customer(request.user, customer):
            raise customer_errors.not_allowed(_("attest criteria"))
        attestation = active_attestation(customer=customer, criterion=data["criterion"])
        withdrawn = attestation_withdraw(
            attestation=attestation, by=request.user, reason=data["reason"]
        )
        return Response(s.AttestationSerializer(withdrawn).data)

    @extend_schema(
        request=inputs.ReasonInput, responses={200: s.CustomerSerializer}, parameters=[ID]
    )
    @action(detail=True, methods=["post"], url_path="mark-target")
    def mark_target(self, request, pk=None):
        """A sales supervisor (or branch GM) declares the customer a target customer."""
        customer = access.customer(request.user, pk)
        data = validated(inputs.ReasonInput, request)
        customer_mark_target(customer=customer, by=request.user, reason=data["reason"])
        return self._answer(customer)


def active_attestation(*, criterion: str, **subject) -> Attestation:
    found = (
        Attestation.objects.filter(
            criterion_id=str(criterion).strip().upper(), withdrawn_at__isnull=True, **subject
        )
        .select_related("opportunity", "customer")
        .first()
    )
    if found is None:
        message = _("%(code)s is not attested here.") % {"code": criterion}
        raise DomainError(message, code="invalid", fields={"criterion": [message]})
    return found


class ContactViewSet(ReadOnly):
    queryset = Contact.objects.none()  # for the schema
    serializer_class = s.ContactSerializer
    filterset_fields = ["customer"]

    def get_queryset(self):
        customers = policy.visible_customers(self.request.user)
        return Contact.objects.filter(customer__in=customers.values("pk")).order_by("id")

    @extend_schema(request=inputs.ContactInput, responses={201: s.ContactSerializer})
    def create(self, request):
        data = validated(inputs.ContactInput, request)
        customer = access.customer(request.user, data.pop("customer"))
        contact = contact_add(customer=customer, by=request.user, **data)
        return Response(s.ContactSerializer(contact).data, status=status.HTTP_201_CREATED)
