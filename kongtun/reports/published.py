"""The published monthly report, frozen at month close (decision 0012).

``ledger.services.month_close`` stores ``month_snapshot`` as canonical JSON on the
``MonthClose`` row, with its SHA-256. The public page and its PDF render ``published_report``
from that JSON and never recompute: a change dated into the month afterwards (refused by the
services anyway) cannot alter what was published.

The snapshot holds figures and the names they are shown under: fixed labels by key (shown
in the reader's language), accounts by code with their Thai and English names as they were
at close, benefits by the name their claims carried. No member, claim or entry is named.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.utils.translation import get_language, gettext

from kongtun.funds.models import Fund
from kongtun.ledger.models import Account, MonthClose
from kongtun.reports.selectors import (
    LIFE_STAGES,
    SOURCES,
    GroupRow,
    MoneyRow,
    MonthlyReport,
    claims_by_benefit,
    monthly_report,
    public_monthly_report,
)

SNAPSHOT_VERSION = 1
#: Labels of the groups that are not a source or a life stage.
_OTHER_LABELS = {"other_movements": "other receipts"}
MEMBER_COUNTS = ("joined_count", "resigned", "deceased", "active_at_end", "suspended_at_end")


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _row(row: MoneyRow, names: dict[str, tuple[str, str]]) -> dict:
    name_th, name_en = names.get(row.code, (row.label, row.label))
    return {"code": row.code, "name_th": name_th, "name_en": name_en, "amount": _money(row.amount)}


def month_snapshot(*, fund: Fund, month: dt.date) -> dict:
    """What the public page of ``month`` shows, as plain JSON-ready data."""
    report = monthly_report(fund=fund, month=month)
    names = {
        code: (th, en or th)
        for code, th, en in Account.objects.filter(fund=fund).values_list(
            "code", "name_th", "name_en"
        )
    }

    def group(g: GroupRow) -> dict:
        return {
            "key": g.key,
            "amount": _money(g.amount),
            "rows": [_row(r, names) for r in g.rows],
        }

    claims = claims_by_benefit(report.claims)
    return {
        "version": SNAPSHOT_VERSION,
        "fund": fund.short_code,
        "month": f"{report.month:%Y-%m}",
        "start": report.month.isoformat(),
        "end": report.end.isoformat(),
        "opening": _money(report.opening),
        "closing": _money(report.closing),
        "money_in": [group(g) for g in report.money_in],
        "benefits": [group(g) for g in report.money_out_benefits],
        "other_out": [_row(r, names) for r in report.money_out_other],
        "total_in": _money(report.total_in),
        "total_benefits": _money(report.total_benefits),
        "total_other_out": _money(report.total_other_out),
        "members": {k: report.members[k] for k in MEMBER_COUNTS},
        "claims": None
        if claims is None
        else [
            {
                "benefit": c["benefit"],
                "approved": c["approved"],
                "rejected": c["rejected"],
                "amount": _money(c["amount"]),
            }
            for c in claims
        ],
    }


def snapshot_json(data: dict) -> str:
    """Canonical text: sorted keys, no spaces, Thai as itself. The hash is over its UTF-8."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def snapshot_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def month_snapshot_frozen(*, fund: Fund, month: dt.date) -> tuple[str, str]:
    """(JSON, SHA-256) to store with a month's close."""
    text = snapshot_json(month_snapshot(fund=fund, month=month))
    return text, snapshot_sha256(text)


def snapshot_intact(close: MonthClose) -> bool:
    """The stored report still hashes to the fingerprint stored (and published) with it."""
    return close.report_json is not None and (
        snapshot_sha256(close.report_json) == close.report_sha256
    )


def _label(key: str) -> str:
    for k, label, _roles in SOURCES:
        if k == key:
            return str(label)
    for k, label in LIFE_STAGES:
        if k == key:
            return str(label)
    return gettext(_OTHER_LABELS.get(key, key))


def _rows_of(items: list[dict]) -> list[MoneyRow]:
    english = (get_language() or "th").startswith("en")
    return [
        MoneyRow(r["name_en"] if english else r["name_th"], Decimal(r["amount"]), r["code"])
        for r in items
    ]


def report_from_snapshot(close: MonthClose, data: dict) -> MonthlyReport:
    def groups(items: list[dict]) -> list[GroupRow]:
        return [
            GroupRow(g["key"], _label(g["key"]), Decimal(g["amount"]), _rows_of(g["rows"]))
            for g in items
        ]

    claims = data["claims"]
    return MonthlyReport(
        fund=close.fund,
        month=dt.date.fromisoformat(data["start"]),
        end=dt.date.fromisoformat(data["end"]),
        opening=Decimal(data["opening"]),
        closing=Decimal(data["closing"]),
        money_in=groups(data["money_in"]),
        money_out_benefits=groups(data["benefits"]),
        money_out_other=_rows_of(data["other_out"]),
        total_in=Decimal(data["total_in"]),
        total_benefits=Decimal(data["total_benefits"]),
        total_other_out=Decimal(data["total_other_out"]),
        members=dict(data["members"]),
        claims=None,
        close=close,
        claims_summary=None
        if claims is None
        else [{**c, "amount": Decimal(c["amount"])} for c in claims],
        frozen_sha256=close.report_sha256,
    )


class PublishedReport:
    """What the public page of a closed month shows: ``report`` from the frozen snapshot, or
    ``tampered`` when the stored JSON no longer matches its fingerprint, or ``legacy`` for a
    month closed before snapshots were kept (then ``report`` is computed now, and says so)."""

    def __init__(self, close: MonthClose) -> None:
        self.close = close
        self.tampered = False
        self.legacy = close.report_json is None
        self.report: MonthlyReport | None = None
        if self.legacy:
            self.report = public_monthly_report(fund=close.fund, month=close.month)
            return
        if not snapshot_intact(close):
            self.tampered = True
            return
        self.report = report_from_snapshot(close, json.loads(close.report_json))


def published_report(*, fund: Fund, month: dt.date) -> PublishedReport | None:
    """The published report of a closed month; None while the month is open."""
    close = MonthClose.objects.filter(fund=fund, month=month.replace(day=1)).first()
    if close is None:
        return None
    return PublishedReport(close)
