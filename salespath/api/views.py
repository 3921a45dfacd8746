"""Resource endpoints. Every list starts from what the caller may see (salespath.policy);
another team's ids answer 404 exactly as ids that do not exist."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from salespath import policy
from salespath.activities.models import Activity
from salespath.catalog.models import ProductCategory
from salespath.customers.models import Contact, Customer
from salespath.org.models import Branch, PersonRole, Quota, Team, User
from salespath.pipeline.models import (
    Contract,
    FieldChange,
    InitiationRequest,
    KeyDate,
    Objection,
    Opportunity,
    OpportunityLine,
    Payment,
    ProjectMember,
    Quote,
    Shipment,
    StageChange,
)

from . import serializers as s
from .filters import OpportunityFilter
from .models import ApiToken
from .services import token_create, token_for_credentials, token_revoke


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    pass


class BranchViewSet(ReadOnly):
    queryset = Branch.objects.all()
    serializer_class = s.BranchSerializer


class TeamViewSet(ReadOnly):
    queryset = Team.objects.select_related("branch")
    serializer_class = s.TeamSerializer


class PersonViewSet(ReadOnly):
    queryset = User.objects.none()  # for the schema
    serializer_class = s.PersonSerializer
    filterset_fields = {"team__code": ["exact"], "branch__code": ["exact"]}

    def get_queryset(self):
        return (
            policy.visible_people(self.request.user)
            .select_related("team", "branch")
            .prefetch_related(Prefetch("roles", queryset=PersonRole.objects.all()))
            .order_by("username")
        )


class QuotaViewSet(ReadOnly):
    queryset = Quota.objects.none()  # for the schema
    serializer_class = s.QuotaSerializer
    filterset_fields = ["fiscal_year", "fiscal_quarter"]

    def get_queryset(self):
        people = policy.visible_people(self.request.user)
        return Quota.objects.filter(person__in=people).select_related("person")


class ProductCategoryViewSet(ReadOnly):
    queryset = ProductCategory.objects.all()
    serializer_class = s.ProductCategorySerializer


class CustomerViewSet(ReadOnly):
    queryset = Customer.objects.none()  # for the schema
    serializer_class = s.CustomerSerializer
    ordering_fields = ["name", "created_on", "updated_at"]

    def get_queryset(self):
        return (
            policy.visible_customers(self.request.user)
            .select_related("owner", "industry")
            .order_by("name", "id")
        )


class ContactViewSet(ReadOnly):
    queryset = Contact.objects.none()  # for the schema
    serializer_class = s.ContactSerializer
    filterset_fields = ["customer"]

    def get_queryset(self):
        customers = policy.visible_customers(self.request.user)
        return Contact.objects.filter(customer__in=customers.values("pk")).order_by("id")


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


def _on_visible_opportunities(model, related="opportunity"):
    """A read-only viewset over rows that belong to opportunities the caller may see."""

    class ViewSet(ReadOnly):
        queryset = model.objects.none()  # for the schema; requests use get_queryset
        filterset_fields = [related]

        def get_queryset(self):
            visible = policy.visible_opportunities(self.request.user).values("pk")
            return model.objects.filter(**{f"{related}__in": visible}).order_by("id")

    ViewSet.__name__ = f"{model.__name__}ViewSet"
    return ViewSet


class ProjectMemberViewSet(_on_visible_opportunities(ProjectMember)):
    serializer_class = s.ProjectMemberSerializer


class StageChangeViewSet(_on_visible_opportunities(StageChange)):
    serializer_class = s.StageChangeSerializer


class FieldChangeViewSet(_on_visible_opportunities(FieldChange)):
    serializer_class = s.FieldChangeSerializer


class QuoteViewSet(_on_visible_opportunities(Quote)):
    serializer_class = s.QuoteSerializer


class KeyDateViewSet(_on_visible_opportunities(KeyDate)):
    serializer_class = s.KeyDateSerializer


class ObjectionViewSet(_on_visible_opportunities(Objection)):
    serializer_class = s.ObjectionSerializer


class ContractViewSet(_on_visible_opportunities(Contract)):
    serializer_class = s.ContractSerializer


class ShipmentViewSet(_on_visible_opportunities(Shipment)):
    serializer_class = s.ShipmentSerializer


class InitiationRequestViewSet(_on_visible_opportunities(InitiationRequest)):
    serializer_class = s.InitiationRequestSerializer


class PaymentViewSet(_on_visible_opportunities(Payment, related="contract__opportunity")):
    serializer_class = s.PaymentSerializer


class ActivityViewSet(ReadOnly):
    queryset = Activity.objects.none()  # for the schema
    serializer_class = s.ActivitySerializer
    filterset_fields = {
        "occurred_on": ["gte", "lte"],
        "kind": ["exact"],
        "opportunity": ["exact"],
        "customer": ["exact"],
    }

    def get_queryset(self):
        activities = Activity.objects.select_related("person").order_by("-occurred_on", "-id")
        visible = policy.owner_filter(self.request.user, "person")
        return activities if visible is None else activities.filter(visible)


class TokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's personal API tokens: create (key shown once), list, revoke."""

    queryset = ApiToken.objects.none()  # for the schema
    serializer_class = s.ApiTokenSerializer

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user, revoked_at__isnull=True)

    @extend_schema(
        request={
            "application/json": {"type": "object", "properties": {"name": {"type": "string"}}}
        },
        responses={201: s.NewTokenSerializer},
    )
    def create(self, request):
        token, key = token_create(user=request.user, name=str(request.data.get("name", "")))
        token.key = key
        return Response(s.NewTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        token_revoke(user=request.user, token_id=_int_or_404(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _int_or_404(value) -> int:
    from salespath.errors import NotFound

    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("") from None


class TokenLoginView(APIView):
    """Exchange a username and password for a new personal token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request={
            "application/json": {
                "type": "object",
                "required": ["username", "password"],
                "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
            }
        },
        responses={201: s.NewTokenSerializer},
    )
    def post(self, request):
        token, key = token_for_credentials(
            username=str(request.data.get("username", "")),
            password=str(request.data.get("password", "")),
            request=request,
        )
        token.key = key
        return Response(s.NewTokenSerializer(token).data, status=status.HTTP_201_CREATED)
