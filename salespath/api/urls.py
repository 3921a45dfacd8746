from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("branches", views.BranchViewSet)
router.register("teams", views.TeamViewSet)
router.register("people", views.PersonViewSet, basename="person")
router.register("quotas", views.QuotaViewSet, basename="quota")
router.register("product-categories", views.ProductCategoryViewSet)
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("opportunities", views.OpportunityViewSet, basename="opportunity")
router.register("team-members", views.ProjectMemberViewSet, basename="team-member")
router.register("stage-changes", views.StageChangeViewSet, basename="stage-change")
router.register("field-changes", views.FieldChangeViewSet, basename="field-change")
router.register("quotes", views.QuoteViewSet, basename="quote")
router.register("key-dates", views.KeyDateViewSet, basename="key-date")
router.register("objections", views.ObjectionViewSet, basename="objection")
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("shipments", views.ShipmentViewSet, basename="shipment")
router.register("initiation-requests", views.InitiationRequestViewSet, basename="initiation")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("auth/tokens", views.TokenViewSet, basename="token")

app_name = "api"
urlpatterns = [
    path("auth/token/", views.TokenLoginView.as_view(), name="token-login"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
