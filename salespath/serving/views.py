from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import run_checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """No login and no data: 200 when every check passes, else 503 naming what failed."""
    ok, checks = run_checks()
    body: dict[str, object] = {"status": "ok" if ok else "failing", "checks": checks}
    if not ok:
        body["failed"] = sorted(name for name, result in checks.items() if not result["ok"])
    return JsonResponse(body, status=200 if ok else 503)
