"""Concurrent use without errors (decision 0016): one lock order, bounded retries of transient
database conflicts, and idempotent submissions.

- **Lock order.** Every service that moves money or draws a number calls ``fund_lock`` first,
  before it locks anything else; ``counter_reserve`` and ``ledger.services.entries_post`` call
  it too, so a service that forgot still takes the fund before the counters. Writers of one
  fund therefore queue on one row and never deadlock; writers of different funds never wait
  for each other. On PostgreSQL the lock is ``FOR NO KEY UPDATE`` (rows that merely reference
  the fund, such as an access log line, can still be inserted meanwhile); SQLite's IMMEDIATE
  transactions already serialize writers.
- **Retries.** A serialization failure, a detected deadlock or SQLite's "database is locked"
  is retried a few times with a short random back-off, but only by the outermost transaction
  (``retry_transient`` wraps the service outside its ``transaction.atomic``; inside another
  transaction it lets the error through to the owner of that transaction).
- **Idempotency.** ``run_once`` runs an action under a key the client chose (a form's hidden
  field drawn when the page was rendered, or an API ``Idempotency-Key`` header): the first
  run's result is stored in the same transaction as the action's writes, and a resubmission
  of the same key gets that result back instead of running again.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import random
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")

RETRY_ATTEMPTS = 4
KEY_DAYS = 30  # how long a key is remembered: longer than any meeting's lost connection


def fund_lock(fund_id: int) -> None:
    """Lock the fund's row until the transaction ends: the first lock of every writer."""
    from kongtun.funds.models import Fund

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("fund_lock must run inside a transaction")
    list(
        Fund.objects.select_for_update(no_key=True).filter(pk=fund_id).order_by().values_list("pk")
    )


# --- transient conflicts ---------------------------------------------------------------------

_PG_TRANSIENT = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available
_SQLITE_TRANSIENT = ("database is locked", "database table is locked", "database is busy")


def is_transient(exc: BaseException) -> bool:
    """A conflict that goes away when the transaction is simply tried again."""
    cause = getattr(exc, "__cause__", None) or exc
    if getattr(cause, "sqlstate", None) in _PG_TRANSIENT:
        return True
    return isinstance(exc, OperationalError) and any(
        text in str(exc).lower() for text in _SQLITE_TRANSIENT
    )


def retry_transient(func: Callable[..., T]) -> Callable[..., T]:
    """Run ``func`` again (at most RETRY_ATTEMPTS times in all) when the database reports a
    transient conflict; only when ``func`` owns the outermost transaction."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        if transaction.get_connection().in_atomic_block:
            return func(*args, **kwargs)
        for attempt in range(1, RETRY_ATTEMPTS + 1):
            try:
                return func(*args, **kwargs)
            except Exception as exc:  # psycopg raises its own classes under Django's
                if attempt == RETRY_ATTEMPTS or not is_transient(exc):
                    raise
                time.sleep(random.uniform(0.02, 0.1) * 2**attempt)
        raise AssertionError("unreachable")

    return wrapper


# --- idempotency -----------------------------------------------------------------------------


def fingerprint(*parts: Any) -> str:
    """A stable digest of what was submitted, so a key reused for other content is caught."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def new_key() -> str:
    return uuid.uuid4().hex


class KeyReused(ValidationError):
    """The key was already used for a different submission."""


def clean_key(raw: str | None) -> str:
    """A client's key: printable, at most 100 characters; empty means 'no key'."""
    key = (raw or "").strip()
    if len(key) > 100 or not key.isprintable():
        raise ValidationError(
            {NON_FIELD_ERRORS: _("The submission key is not valid; reload the page.")}
        )
    return key


@retry_transient
@transaction.atomic
def run_once(
    *,
    fund_id: int,
    scope: str,
    key: str,
    actor: Any,
    content: str,
    action: Callable[[], T],
    dump: Callable[[T], dict],
    load: Callable[[dict], T],
) -> tuple[T, bool]:
    """Run ``action`` once per (fund, scope, key): returns (result, replayed).

    ``content`` is the ``fingerprint`` of what was submitted; the same key with other content
    is refused (``KeyReused``) — a form page kept open after its save and then edited must be
    reloaded. ``dump`` turns the result into JSON (ids, not objects) and ``load`` back. An
    action that raises stores nothing, so the same key may be submitted again once corrected.
    An empty key runs the action without protection (scripts, tests)."""
    from kongtun.core.models import IdempotencyKey

    fund_lock(fund_id)
    key = clean_key(key)
    if not key:
        return action(), False
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    prior = IdempotencyKey.objects.filter(fund_id=fund_id, scope=scope, key=key).first()
    if prior is not None:
        if prior.content != content or prior.user_id != (user.pk if user else None):
            raise KeyReused(
                {
                    NON_FIELD_ERRORS: _(
                        "This form was already saved with other content. Reload the page to "
                        "start a new one."
                    )
                }
            )
        return load(prior.result), True
    result = action()
    IdempotencyKey.objects.filter(
        fund_id=fund_id, created_at__lt=timezone.now() - dt.timedelta(days=KEY_DAYS)
    ).delete()
    IdempotencyKey.objects.create(
        fund_id=fund_id, scope=scope, key=key, user=user, content=content, result=dump(result)
    )
    return result, False


class IdempotentFormMixin(forms.Form):
    """A hidden key drawn when the form is first shown and carried by every resubmission of
    that page (a double click, a save retried after a lost answer)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_key())
        elif not (self.data.get(self.add_prefix("idempotency_key")) or "").strip():
            # An old page or a script without a key: bound forms keep their own new key.
            self.data = self.data.copy()
            self.data[self.add_prefix("idempotency_key")] = new_key()


_NOT_CONTENT = {"csrfmiddlewaretoken", "idempotency_key"}


def post_fingerprint(request: Any) -> str:
    """What a form submitted, less the CSRF token and the key itself."""
    return fingerprint(
        sorted((k, request.POST.getlist(k)) for k in request.POST if k not in _NOT_CONTENT)
    )


def _request_key_and_content(request: Any) -> tuple[str, str]:
    """A page's POST carries its key in the form's hidden ``idempotency_key`` and is judged by
    its fields; an API call carries the ``Idempotency-Key`` header and is judged by its
    method, path and body."""
    if request.path.startswith("/api/"):
        body = request.body.decode("utf-8", "replace")
        return request.headers.get("Idempotency-Key", ""), fingerprint(
            request.method, request.path, body
        )
    return request.POST.get("idempotency_key", ""), post_fingerprint(request)


def submit_once(
    request: Any,
    *,
    fund_id: int,
    scope: str,
    action: Callable[[], T],
    dump: Callable[[T], dict],
    load: Callable[[dict], T],
) -> tuple[T, bool]:
    """``run_once`` for a request: a page's form or an API write (no key: simply run)."""
    key, content = _request_key_and_content(request)
    return run_once(
        fund_id=fund_id,
        scope=scope,
        key=key,
        actor=getattr(request, "auth", None) or request.user,
        content=content,
        action=action,
        dump=dump,
        load=load,
    )


api_once = submit_once  # the API's name for the same thing


def as_pk(model: type) -> dict[str, Callable]:
    """``dump`` and ``load`` (pass as ``**as_pk(Model)``) for an action returning one object."""
    return {
        "dump": lambda obj: {"pk": obj.pk},
        "load": lambda data: model._default_manager.get(pk=data["pk"]),
    }


def as_pks(model: type) -> dict[str, Callable]:
    """``dump`` and ``load`` for an action returning a list of saved objects, in order."""

    def load(data: dict) -> list:
        found = model._default_manager.in_bulk(data["pks"])
        return [found[pk] for pk in data["pks"]]

    return {"dump": lambda objs: {"pks": [o.pk for o in objs]}, "load": load}


class BusyMiddleware:
    """The last resort when a transient conflict outlived its retries (or struck outside a
    service): a 503 page saying nothing was saved and to save again — never a 500. The
    transaction has already been rolled back by then; the API gets JSON."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)

    def process_exception(self, request: Any, exception: Exception) -> Any:
        if not is_transient(exception):
            return None
        import logging

        from django.http import JsonResponse
        from django.shortcuts import render

        logging.getLogger("kongtun").warning(
            "busy: %s %s: %s", request.method, request.path, exception
        )
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": "busy, retry"}, status=503)
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = "2"
        return response
