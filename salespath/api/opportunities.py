"""Opportunities: fields and lines with the version check, the stage moves through the gates
(advance, move back, lose, reopen, override), attestations and the criteria of every stage.

Each action calls the service of the gates issue; a gate that is not met answers 409
`gate_not_met` with `missing`, a stale version 409 `stale_version`."""

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from salespath import policy
from salespath.errors import DomainError
from salespath.pipeline import criteria, services
from salespath.pipeline import policy as pipeline_policy
from salespath.pipeline.models import Opportunity, OpportunityLine

from . import access, inputs
from . import serializers as s
from .base import ID, given, validated
from .customers import active_attestation
from .filters import OpportunityFilter
from .views import ReadOnly

UPDATABLE = tuple(sorted(services.opportunities.EDITABLE))


def _lines(data: list[dict]) -> list[tuple]:
    return [(line["product"], line["amount"]) for line in data]


def _move_schema(input_class, summary: str):
    return extend_schema(
        summary=summary, request=input_class, responses={200: s.OpportunitySerializer}
    )


class OpportunityViewSet(ReadOnly):
    queryset = Opportunity.objects.none()  # for the schema
    serializer_class = s.OpportunitySerializer
    filterset_class = OpportunityFilter
    ordering_fields = ["expected_close", "amount", "updated_at", "created_on", "stage", "name"]

    def get_queryset(self):
        return (
            policy.visible_opportunities(self.request.user)
            .select_related("owner", "stage")
            .prefetch_related(
                Prefetch("lines", queryset=OpportunityLine.objects.select_related("product"))
            )
            .order_by("-updated_at", "-id")
        )

    def _answer(self, opportunity: Opportunity, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=opportunity.pk)
        return Response(s.OpportunitySerializer(fresh).data, status=code)

    @extend_schema(request=inputs.OpportunityCreateInput, responses={201: s.OpportunitySerializer})
    def create(self, request):
        """A new opportunity in S2 (发掘潜在商机) for a customer you may see."""
        data = validated(inputs.OpportunityCreateInput, request)
        customer = access.customer(request.user, data.pop("customer"))
        owner = data.pop("owner", None) or request.user
        if "lines" in data:
            data["lines"] = _lines(data["lines"])
        opportunity = services.opportunity_create(
            customer=customer, owner=owner, by=request.user, **data
        )
        return self._answer(opportunity, status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.OpportunityUpdateInput,
        responses={200: s.OpportunitySerializer},
        parameters=[ID],
    )
    def partial_update(self, request, pk=None):
        """Change fields and/or replace the product lines. `version` is required: if the
        opportunity changed since you read it, nothing is written (409 stale_version)."""
        opportunity = access.opportunity(request.user, pk)
        data = validated(inputs.OpportunityUpdateInput, request)
        version = data.pop("version")
        changes = given(data, *UPDATABLE)
        if "lines" not in data and not changes:
            message = _("Nothing to change: name at least one field.")
            raise DomainError(message, code="invalid", fields={"non_field_errors": [message]})
        with transaction.atomic():  # lines and fields together, or neither
            if "lines" in data:
                services.opportunity_set_lines(
                    opportunity=opportunity,
                    lines=_lines(data["lines"]),
                    by=request.user,
                    version=version,
                )
                version = opportunity.version
            if changes:
                services.opportunity_update(
                    opportunity=opportunity, version=version, by=request.user, **changes
                )
        return self._answer(opportunity)

    # --- moves --------------------------------------------------------------------------

    @_move_schema(inputs.MoveInput, "Advance through the gate")
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Move forward if every criterion of every stage crossed is met; otherwise 409
        `gate_not_met` naming each missing criterion. Reaching S7 marks it won."""
        opportunity = access.opportunity(request.user, pk)
        data = validated(inputs.MoveInput, request)
        services.opportunity_advance(opportunity=opportunity, by=request.user, **data)
        return self._answer(opportunity)

    @_move_schema(inputs.MoveWithReasonInput, "Override the gate (sales supervisor, branch GM)")
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        """Move forward past a gate that is not met, with a written reason; reported."""
        opportunity = access.opportunity(request.user, pk)
        data = validated(inputs.MoveWithReasonInput, request)
        services.opportunity_override(opportunity=opportunity, by=request.user, **data)
        return self._answer(opportunity)

    @_move_schema(inputs.MoveWithReasonInput, "Move back to an earlier stage")
    @action(detail=True, methods=["post"], url_path="move-back")
    def move_back(self, request, pk=None):
        opportunity = access.opportunity(request.user, pk)
        data = validated(inputs.MoveWithReasonInput, request)
        services.opportunity_move_back(opportunity=opportunity, by=request.user, **data)
        return self._answer(opportunity)

    @_move_schema(inputs.LoseInput, "Mark lost (丢单)")
    @action(detail=True, methods=["post"])
    def lose(self, request, pk=None):
        opportunity = access.opportunity(request.user, pk)
        data = validated(inputs.LoseInput, request)
        services.opportunity_lose(opportunity=opportunity, by=request.user, **data)
        return self._answer(opportunity)

    @_move_schema(inputs.ReopenInput, "Reopen a lost opportunity")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        opportunity = access.opportunity(request.user, pk)
        data = validated(inputs.ReopenInput, request)
        services.opportunity_reopen(opportunity=opportunity, by=request.user, **data)
        return self._answer(opportunity)

    # --- criteria and attestations ------------------------------------------------------

    @extend_schema(responses={200: s.CriteriaSerializer}, parameters=[ID])
    @action(detail=True, methods=["get"])
    def criteria(self, request, pk=None):
        """Every criterion of S2–S7: met or not, why (the evidence found or what is missing),
        and who attested it."""
        opportunity = access.opportunity(request.user, pk)
        return Response(
            {
                "opportunity": opportunity.pk,
                "stage": opportunity.stage_id,
                "criteria": [result.as_dict() for result in criteria.evaluate(opportunity)],
            }
        )

    @extend_schema(
        request=inputs.AttestInput, responses={201: s.AttestationSerializer}, parameters=[ID]
    )
    @action(detail=True, methods=["post"])
    def attest(self, request, pk=None):
        """Vouch for an attested criterion of S2–S7 with a note saying what shows it."""
        opportunity = access.opportunity(request.user, pk)
        data = validated(inputs.AttestInput, request)
        attestation = services.attestation_add(
            criterion=data["criterion"],
            by=request.user,
            note=data["note"],
            opportunity=opportunity,
        )
        return Response(s.AttestationSerializer(attestation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.WithdrawInput, responses={200: s.AttestationSerializer}, parameters=[ID]
    )
    @action(detail=True, methods=["post"], url_path="withdraw-attestation")
    def withdraw_attestation(self, request, pk=None):
        """Withdraw an attestation; the record stays with who withdrew it, when and why."""
        opportunity = access.opportunity(request.user, pk)
        data = validated(inputs.WithdrawInput, request)
        pipeline_policy.check_edits(request.user, opportunity, _("attest criteria"))
        attestation = active_attestation(opportunity=opportunity, criterion=data["criterion"])
        withdrawn = services.attestation_withdraw(
            attestation=attestation, by=request.user, reason=data["reason"]
        )
        return Response(s.AttestationSerializer(withdrawn).data)
