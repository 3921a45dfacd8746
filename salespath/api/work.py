"""The work of stages 4–7 as resources: project team, quotes, key dates, competitors,
objections, initiation requests (立项), contract, payments (confirmed by finance), shipment.

Each row belongs to an opportunity: the opportunity named in a body (or owning the row in the
path) must be one the caller may see, else 404; whether they may change it is the service's
answer (403)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from salespath.pipeline import services
from salespath.pipeline.models import (
    Contract,
    InitiationRequest,
    KeyDate,
    Objection,
    OpportunityCompetitor,
    Payment,
    ProjectMember,
    Quote,
    Shipment,
)

from . import access, inputs
from . import serializers as s
from .base import ID, validated
from .views import on_visible_opportunities


def _created(serializer_class, row) -> Response:
    return Response(serializer_class(row).data, status=status.HTTP_201_CREATED)


def _opportunity(request, data: dict):
    return access.opportunity(request.user, data.pop("opportunity"))


class ProjectMemberViewSet(on_visible_opportunities(ProjectMember, select=("person",))):
    serializer_class = s.ProjectMemberSerializer

    @extend_schema(request=inputs.TeamMemberInput, responses={201: s.ProjectMemberSerializer})
    def create(self, request):
        data = validated(inputs.TeamMemberInput, request)
        opportunity = _opportunity(request, data)
        member = services.team_member_add(opportunity=opportunity, by=request.user, **data)
        return _created(s.ProjectMemberSerializer, member)

    @extend_schema(parameters=[ID])
    def destroy(self, request, pk=None):
        member = access.on_visible_opportunity(
            request.user, ProjectMember.objects.select_related("opportunity"), pk
        )
        services.team_member_remove(member=member, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuoteViewSet(on_visible_opportunities(Quote)):
    serializer_class = s.QuoteSerializer

    @extend_schema(request=inputs.QuoteInput, responses={201: s.QuoteSerializer})
    def create(self, request):
        """A new version of the quote with software, implementation and service fees (S5.3)."""
        data = validated(inputs.QuoteInput, request)
        opportunity = _opportunity(request, data)
        return _created(
            s.QuoteSerializer,
            services.quote_add(opportunity=opportunity, by=request.user, **data),
        )


class KeyDateViewSet(on_visible_opportunities(KeyDate)):
    serializer_class = s.KeyDateSerializer

    @extend_schema(request=inputs.KeyDateInput, responses={201: s.KeyDateSerializer})
    def create(self, request):
        """A date in the customer's schedule (S4.5) or of bid, negotiation, signing (S6.3)."""
        data = validated(inputs.KeyDateInput, request)
        opportunity = _opportunity(request, data)
        return _created(
            s.KeyDateSerializer,
            services.key_date_add(opportunity=opportunity, by=request.user, **data),
        )

    @extend_schema(parameters=[ID])
    def destroy(self, request, pk=None):
        key_date = access.on_visible_opportunity(
            request.user, KeyDate.objects.select_related("opportunity"), pk
        )
        services.key_date_remove(key_date=key_date, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OpportunityCompetitorViewSet(
    on_visible_opportunities(OpportunityCompetitor, select=("competitor",))
):
    serializer_class = s.OpportunityCompetitorSerializer

    @extend_schema(
        request=inputs.CompetitorInput, responses={201: s.OpportunityCompetitorSerializer}
    )
    def create(self, request):
        """Name a competing vendor or consultant on the opportunity (S2.3, S4.6)."""
        data = validated(inputs.CompetitorInput, request)
        opportunity = _opportunity(request, data)
        involved = services.competitor_add(
            opportunity=opportunity,
            competitor=data["name"],
            kind=data["kind"],
            note=data["note"],
            by=request.user,
        )
        return _created(s.OpportunityCompetitorSerializer, involved)

    @extend_schema(parameters=[ID])
    def destroy(self, request, pk=None):
        involved = access.on_visible_opportunity(
            request.user, OpportunityCompetitor.objects.select_related("opportunity"), pk
        )
        services.competitor_remove(involved=involved, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ObjectionViewSet(on_visible_opportunities(Objection)):
    serializer_class = s.ObjectionSerializer

    @extend_schema(request=inputs.ObjectionInput, responses={201: s.ObjectionSerializer})
    def create(self, request):
        """异议: an objection raised by the customer (S6)."""
        data = validated(inputs.ObjectionInput, request)
        opportunity = _opportunity(request, data)
        return _created(
            s.ObjectionSerializer,
            services.objection_add(opportunity=opportunity, by=request.user, **data),
        )

    @extend_schema(
        request=inputs.ObjectionResolveInput,
        responses={200: s.ObjectionSerializer},
        parameters=[ID],
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        objection = access.on_visible_opportunity(
            request.user, Objection.objects.select_related("opportunity"), pk
        )
        data = validated(inputs.ObjectionResolveInput, request)
        resolved = services.objection_resolve(
            objection=objection, handling=data["handling"], by=request.user
        )
        return Response(s.ObjectionSerializer(resolved).data)


class InitiationRequestViewSet(
    on_visible_opportunities(InitiationRequest, select=("requested_by", "decided_by"))
):
    """立项申请: the account manager submits; a sales supervisor of the owner's team or the
    branch GM approves (forming the project team) or rejects with a comment."""

    serializer_class = s.InitiationRequestSerializer

    def _request(self, request, pk) -> InitiationRequest:
        return access.on_visible_opportunity(
            request.user, InitiationRequest.objects.select_related("opportunity__owner"), pk
        )

    @extend_schema(
        request=inputs.InitiationSubmitInput, responses={201: s.InitiationRequestSerializer}
    )
    @action(detail=False, methods=["post"])
    def submit(self, request):
        data = validated(inputs.InitiationSubmitInput, request)
        opportunity = _opportunity(request, data)
        submitted = services.initiation_submit(opportunity=opportunity, by=request.user, **data)
        return _created(s.InitiationRequestSerializer, submitted)

    @extend_schema(
        request=inputs.InitiationApproveInput,
        responses={200: s.InitiationRequestSerializer},
        parameters=[ID],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        initiation = self._request(request, pk)
        data = validated(inputs.InitiationApproveInput, request)
        approved = services.initiation_approve(
            request=initiation,
            by=request.user,
            project_manager=data["project_manager"],
            members=[(m["person"], m["role"]) for m in data["members"]],
            comment=data["comment"],
        )
        return Response(s.InitiationRequestSerializer(approved).data)

    @extend_schema(
        request=inputs.InitiationRejectInput,
        responses={200: s.InitiationRequestSerializer},
        parameters=[ID],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        initiation = self._request(request, pk)
        data = validated(inputs.InitiationRejectInput, request)
        rejected = services.initiation_reject(
            request=initiation, by=request.user, comment=data["comment"]
        )
        return Response(s.InitiationRequestSerializer(rejected).data)


class ContractViewSet(on_visible_opportunities(Contract)):
    serializer_class = s.ContractSerializer

    def get_queryset(self):
        return super().get_queryset().prefetch_related("installments")

    @extend_schema(request=inputs.ContractInput, responses={201: s.ContractSerializer})
    def create(self, request):
        """落单: the signed contract with its amount, payment terms and installments (S7.1)."""
        data = validated(inputs.ContractInput, request)
        opportunity = _opportunity(request, data)
        contract = services.contract_sign(
            opportunity=opportunity,
            by=request.user,
            signed_on=data["signed_on"],
            amount=data["amount"],
            payment_terms=data["payment_terms"],
            installments=[(part["due_on"], part["amount"]) for part in data["installments"]],
        )
        return _created(s.ContractSerializer, contract)


class PaymentViewSet(
    on_visible_opportunities(
        Payment, related="contract__opportunity", select=("recorded_by", "confirmed_by")
    )
):
    serializer_class = s.PaymentSerializer

    @extend_schema(request=inputs.PaymentInput, responses={201: s.PaymentSerializer})
    def create(self, request):
        """Money received, recorded by the project team; it counts for S7.2 once confirmed."""
        data = validated(inputs.PaymentInput, request)
        contract = access.on_visible_opportunity(
            request.user, Contract.objects.select_related("opportunity"), data.pop("contract")
        )
        payment = services.payment_record(contract=contract, by=request.user, **data)
        return _created(s.PaymentSerializer, payment)

    @extend_schema(request=None, responses={200: s.PaymentSerializer}, parameters=[ID])
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Finance confirms the money arrived; nobody else may."""
        payment = access.on_visible_opportunity(
            request.user, Payment.objects.all(), pk, related="contract__opportunity"
        )
        confirmed = services.payment_confirm(payment=payment, by=request.user)
        return Response(s.PaymentSerializer(confirmed).data)


class ShipmentViewSet(on_visible_opportunities(Shipment)):
    serializer_class = s.ShipmentSerializer

    @extend_schema(request=inputs.ShipmentInput, responses={201: s.ShipmentSerializer})
    def create(self, request):
        """Record, or complete, the order from headquarters and the local shipment (S7.3)."""
        data = validated(inputs.ShipmentInput, request)
        opportunity = _opportunity(request, data)
        shipment = services.shipment_record(opportunity=opportunity, by=request.user, **data)
        return _created(s.ShipmentSerializer, shipment)
