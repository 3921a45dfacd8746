"""Token writes and the login lockout."""

from __future__ import annotations

import hashlib

from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.errors import DomainError, NotFound
from salespath.org.models import User

from .models import PREFIX_LENGTH, ApiToken, hash_key, new_key

MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60


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


def _failure_key(username: str) -> str:
    # Hashed: a username may hold any character, and a cache key may not.
    return "api-login-failures:" + hashlib.sha256(username.lower().encode()).hexdigest()


def token_for_credentials(*, username: str, password: str, request=None) -> tuple[ApiToken, str]:
    """Exchange a username and password for a new token, with a lockout after repeated failures.

    Failures are counted per username; after MAX_FAILURES within LOCKOUT_SECONDS every attempt,
    right or wrong, is refused until the window passes.
    """
    key = _failure_key(username or "")
    failures = cache.get(key, 0)
    if failures >= MAX_FAILURES:
        raise LockedOut(
            _("Too many failed sign-ins. Try again in %(minutes)d minutes.")
            % {"minutes": LOCKOUT_SECONDS // 60},
            retry_after=LOCKOUT_SECONDS,
        )
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        cache.set(key, failures + 1, LOCKOUT_SECONDS)
        raise DomainError(_("Wrong username or password."), code="bad_credentials")
    cache.delete(key)
    return token_create(
        user=user,
        name=_("Signed in %(when)s") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
    )
