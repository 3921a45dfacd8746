"""Token writes, and the sign-in that hands out a token."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.errors import DomainError, NotFound
from salespath.org.models import User
from salespath.security.lockout import lockout_message

from .models import PREFIX_LENGTH, ApiToken, hash_key, new_key


class LockedOut(DomainError):
    code = "throttled"
    status = 429

    def __init__(self, message, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`. The key is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name."), fields={"name": [_("Required.")]})
    if len(name) > 100:
        raise DomainError(
            _("The token name is too long (at most 100 characters)."),
            fields={"name": [_("Too long.")]},
        )
    key = new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key)
        )
    return token, key


def token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound(_("No such token."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def token_for_credentials(*, username: str, password: str, request) -> tuple[ApiToken, str]:
    """Exchange a username and password for a new token. The lockout is the one every way in
    shares (salespath.security.lockout): failures are counted per username and address in
    the database, and a locked pair is refused, right password or wrong."""
    http_request = getattr(request, "_request", request)  # axes marks Django's request
    user = authenticate(http_request, username=username, password=password)
    if getattr(http_request, "axes_locked_out", False):
        raise LockedOut(
            lockout_message(), retry_after=int(settings.AXES_COOLOFF_TIME.total_seconds())
        )
    if user is None or not user.is_active:
        raise DomainError(_("Wrong username or password."), code="bad_credentials")
    return token_create(
        user=user,
        name=_("Signed in %(when)s") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
    )
