"""API tokens: bearer keys for the bidder API. Only a key's hash is stored.

A token lives `AUCTIONS_API_TOKEN_LIFETIME_DAYS` from when it was obtained, unless it is revoked
first: by its owner (the account's tokens page, or DELETE /api/v1/auth/tokens/{id}/), or all of a
user's at once when their password changes (changed, reset, set by staff) or their account is
deactivated (auctions.apps connects that). A user has at most `AUCTIONS_API_TOKENS_PER_USER` live
tokens: obtaining one more revokes their oldest. Signing out of the website revokes none.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .. import selectors
from ..models import ApiToken, ApiTokenStatus

_CACHE_SECONDS = 60


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_tokens_live(*, user) -> QuerySet[ApiToken]:
    """The user's tokens that still let one in, newest first."""
    return (ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at", "-id"))


@dataclass(frozen=True)
class TokenDescription:
    """What its owner is shown of a token, wherever it is listed (never the key, nor its hash)."""

    id: int
    name: str
    prefix: str  # the key's first characters, to tell tokens apart
    status: ApiTokenStatus
    created_at: datetime
    last_used_at: datetime | None  # to the minute; None if never used
    expires_at: datetime


def api_token_describe(token: ApiToken, *, now: datetime | None = None) -> TokenDescription:
    """A token as its owner sees it: live, expired or revoked (revoked first: a revoked token that has
    since passed its expiry is still the one its owner revoked), when it was made, last used and ends."""
    if token.revoked_at is not None:
        status = ApiTokenStatus.REVOKED
    elif token.expires_at <= (now or timezone.now()):
        status = ApiTokenStatus.EXPIRED
    else:
        status = ApiTokenStatus.LIVE
    return TokenDescription(id=token.pk, name=token.name, prefix=token.prefix, status=status,
                            created_at=token.created_at, last_used_at=token.last_used_at,
                            expires_at=token.expires_at)


def api_tokens_live_described(*, user) -> list[TokenDescription]:
    """The user's live tokens, newest first, each described."""
    now = timezone.now()
    return [api_token_describe(token, now=now) for token in api_tokens_live(user=user)]


@transaction.atomic
def api_token_create(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token named `name`. The key is returned once; only its hash is stored. The
    user's oldest live tokens beyond the per-user limit, counting this one, are revoked."""
    type(user).objects.select_for_update().filter(pk=user.pk).first()  # one user's tokens are counted one at a time
    now = timezone.now()
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, key_hash=_hash_key(key), prefix=key[:8], name=name.strip(),
                                    created_at=now,
                                    expires_at=now + timedelta(days=settings.AUCTIONS_API_TOKEN_LIFETIME_DAYS))
    keep = max(settings.AUCTIONS_API_TOKENS_PER_USER, 1)
    beyond = list(api_tokens_live(user=user).values_list("pk", flat=True)[keep:])
    if beyond:
        _revoke(ApiToken.objects.filter(pk__in=beyond))
    return token, key


class TokenCheck(NamedTuple):
    """What a bearer key is worth: the user it lets in (None if it lets nobody in), whether it was
    refused for having expired (else for being unknown, revoked or its user deactivated), and the
    eligibility generation current when it was checked."""

    user: object | None
    generation: int
    expired: bool = False


def api_token_authenticate(key: str) -> TokenCheck:
    """Check a bearer key. Records the token's use at most once a minute. The user is cached for at
    most a minute (never beyond the token's expiry) stamped with the eligibility generation, read
    together with it in one round trip, so any change to a user, and revocation, take effect at once."""
    if not key or len(key) > 200:
        return TokenCheck(None, selectors.eligibility_generation())
    key_hash = _hash_key(key)
    cache_key = f"auctions:token:{key_hash}"
    generation, user = selectors.generation_and_cached(cache_key)
    if user is not None:
        return TokenCheck(user, generation)
    token = (ApiToken.objects.select_related("user").filter(key_hash=key_hash, revoked_at__isnull=True)
             .first())
    if token is None or not token.user.is_active:
        return TokenCheck(None, generation)
    now = timezone.now()
    if token.expires_at <= now:
        return TokenCheck(None, generation, expired=True)
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    seconds = min(_CACHE_SECONDS, int((token.expires_at - now).total_seconds()))
    if seconds > 0:
        selectors.cache_under_generation(cache_key, generation, token.user, seconds)
    return TokenCheck(token.user, generation)


def _revoke(tokens: QuerySet[ApiToken], *, now: datetime | None = None) -> int:
    """Revoke these tokens, and forget every cached token check (at once and after commit)."""
    count = tokens.filter(revoked_at__isnull=True).update(revoked_at=now or timezone.now())
    if count:
        selectors.bump_eligibility_generation()
        transaction.on_commit(selectors.bump_eligibility_generation)
    return count


@transaction.atomic
def api_token_revoke(*, user, token_id: int) -> bool:
    """Revoke one of the user's own tokens; whether there was such a live token."""
    return _revoke(ApiToken.objects.filter(pk=token_id, user=user, expires_at__gt=timezone.now())) > 0


@transaction.atomic
def api_tokens_revoke_all(*, user) -> int:
    """Revoke every token of the user (their password changed, or their account was deactivated)."""
    return _revoke(ApiToken.objects.filter(user=user))
