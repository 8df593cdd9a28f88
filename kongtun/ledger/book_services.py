"""Writes of the books pages that ``services.py`` does not have: editing the chart of accounts
and closing several months in order. Each is one transaction; errors are keyed by field."""

from __future__ import annotations

import datetime as dt
import re
from contextvars import ContextVar

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from kongtun.core.concurrency import fund_lock, retry_transient
from kongtun.funds.models import Fund
from kongtun.ledger.models import Account, AccountType, JournalLine, MonthClose
from kongtun.ledger.reports import closable_months
from kongtun.ledger.services import month_close

_CODE = re.compile(r"^[0-9A-Za-z.\-]{1,10}$")


def _check_fields(
    fund: Fund, *, code: str, name_th: str, type: str, exclude_pk: int | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not _CODE.match(code):
        errors["code"] = [_("Use up to 10 letters or digits, e.g. 5202.")]
    elif Account.objects.filter(fund=fund, code=code).exclude(pk=exclude_pk).exists():
        errors["code"] = [_("Another account already has code %(code)s.") % {"code": code}]
    if not name_th.strip():
        errors["name_th"] = [_("Please give the Thai name.")]
    if type not in AccountType.values:
        errors["type"] = [_("Choose the type of account.")]
    return errors


@transaction.atomic
def account_create(*, fund: Fund, code: str, name_th: str, name_en: str = "", type: str) -> Account:
    code = code.strip()
    errors = _check_fields(fund, code=code, name_th=name_th, type=type, exclude_pk=None)
    if errors:
        raise ValidationError(errors)
    return Account.objects.create(
        fund=fund, code=code, name_th=name_th.strip(), name_en=name_en.strip(), type=type
    )


@transaction.atomic
def account_update(
    *,
    account: Account,
    code: str,
    name_th: str,
    name_en: str = "",
    type: str,
    active: bool = True,
) -> Account:
    """Rename freely. The code and the type stay as they are once the account has lines
    (past reports must read the same); an account the software posts to by itself, or one with
    a balance, stays in use."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    code = code.strip()
    errors = _check_fields(
        account.fund, code=code, name_th=name_th, type=type, exclude_pk=account.pk
    )
    has_lines = JournalLine.objects.filter(account=account).exists()
    if has_lines and type != account.type:
        errors.setdefault("type", []).append(
            _("This account already has entries; its type cannot change.")
        )
    if has_lines and code != account.code:
        errors.setdefault("code", []).append(
            _("This account already has entries; its code cannot change.")
        )
    if not active and account.active:
        if account.role:
            errors.setdefault("active", []).append(
                _("The software posts to this account (%(role)s); it stays in use.")
                % {"role": account.role}
            )
        else:
            balance = JournalLine.objects.filter(account=account).aggregate(s=Sum("amount_satang"))[
                "s"
            ]
            if balance:
                errors.setdefault("active", []).append(
                    _("The account still has a balance; bring it to zero first.")
                )
    if errors:
        raise ValidationError(errors)
    account.code = code
    account.name_th = name_th.strip()
    account.name_en = name_en.strip()
    account.type = type
    account.active = active
    account.save(update_fields=["code", "name_th", "name_en", "type", "active"])
    return account


@retry_transient
@transaction.atomic
def months_close_through(
    *,
    fund: Fund,
    through: dt.date,
    actor: AbstractBaseUser | None,
    today: dt.date | None = None,
) -> list[MonthClose]:
    """Close every open month from the next one up to and including ``through``, in order,
    all or none (each through the ledger's ``month_close``). Work that other apps do at each
    close and can do for many months at once (the network's roll-up rows) waits for
    ``months_closed``, sent once at the end, inside the same transaction."""
    fund_lock(fund.pk)
    today = today or timezone.localdate()
    through = through.replace(day=1)
    months = [m for m in closable_months(fund, today) if m <= through]
    if not months or months[-1] != through:
        raise ValidationError({"through": _("This month cannot be closed now.")})
    token = _closing_many.set(True)
    try:
        closes = [month_close(fund=fund, month=m, actor=actor, today=today) for m in months]
    finally:
        _closing_many.reset(token)
    months_closed.send(sender=MonthClose, fund=fund, months=months)
    return closes


#: Sent by ``months_close_through`` after its closes (fund=, months=), in their transaction.
months_closed = Signal()
_closing_many: ContextVar[bool] = ContextVar("ledger_closing_many", default=False)


def closing_many() -> bool:
    """True inside ``months_close_through``: a per-close hook may leave its many-month work
    to a ``months_closed`` receiver."""
    return _closing_many.get()
