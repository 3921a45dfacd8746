from django.contrib import admin
from django.urls import include, path

from salespath.serving.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("salespath.web.urls")),
    path("api/v1/", include("salespath.api.urls", namespace="api")),
]
