"""API tokens: only a SHA-256 of the token is stored, so a leaked database leaks no token."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, user: object, name: str) -> str:
    """Create a token and return it; it is shown once and cannot be recovered."""
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, key_hash=_hash(token))
    return token


def api_token_user(token: str) -> object | None:
    row = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user
