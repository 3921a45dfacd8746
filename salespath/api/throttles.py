"""Rate limits: a generous per-caller limit on the whole API (429 with Retry-After), and the
stricter `login` scope on the sign-in endpoint (settings.REST_FRAMEWORK)."""

from rest_framework.throttling import UserRateThrottle


class CallerRateThrottle(UserRateThrottle):
    """Per person (per address for anonymous callers); the rate is the `user` setting."""

    scope = "user"
