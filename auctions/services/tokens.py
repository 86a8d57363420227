"""API tokens: bearer keys for the bidder API. Only a key's hash is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .. import selectors
from ..models import ApiToken


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, user) -> tuple[ApiToken, str]:
    """A new bearer token. The key is returned once; only its hash is stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, key_hash=_hash_key(key), prefix=key[:8])
    return token, key


def api_token_authenticate(key: str):
    """The active user a bearer key belongs to (or None), and the eligibility generation that was
    current when it was checked. Records the token's use at most once a minute. The user is cached
    for a minute stamped with the generation, read together with it in one round trip, so any
    change to a user, and revocation, take effect at once."""
    if not key or len(key) > 200:
        return None, selectors.eligibility_generation()
    key_hash = _hash_key(key)
    cache_key = f"auctions:token:{key_hash}"
    generation, user = selectors.generation_and_cached(cache_key)
    if user is not None:
        return user, generation
    token = (ApiToken.objects.select_related("user").filter(key_hash=key_hash, revoked_at__isnull=True)
             .first())
    if token is None or not token.user.is_active:
        return None, generation
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    selectors.cache_under_generation(cache_key, generation, token.user, 60)
    return token.user, generation


@transaction.atomic
def api_token_revoke(*, user, token_id: int) -> None:
    ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    selectors.bump_eligibility_generation()
    transaction.on_commit(selectors.bump_eligibility_generation)
