"""Builders for members and events, so each test states only what matters to it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from kongtun.regulations.engine import (
    Decision,
    Event,
    MemberHistory,
    PastClaim,
    Payment,
    StatusChange,
    decide,
    load_prototype,
)

D = Decimal


def paid_up(join: date, months: int = 600) -> tuple[Payment, ...]:
    """One payment on the join date covering ``months`` months: never in arrears."""
    return (Payment(join, months, D(30) * months),)


def member(
    join: date = date(2020, 1, 1),
    *,
    birth: date = date(1970, 6, 15),
    sex: str = "female",
    payments: tuple[Payment, ...] | None = None,
    claims: tuple[PastClaim, ...] = (),
    statuses: tuple[StatusChange, ...] = (),
    death: date | None = None,
    plan_months: int = 1,
) -> MemberHistory:
    return MemberHistory(
        birth_date=birth,
        sex=sex,  # type: ignore[arg-type]
        join_date=join,
        plan_months=plan_months,
        death_date=death,
        payments=paid_up(join) if payments is None else payments,
        status_changes=statuses,
        claims=claims,
    )


def event(benefit: str, on: date, **details: Any) -> Event:
    details.setdefault("as_of", on + timedelta(days=30))
    return Event(benefit=benefit, date=on, **details)


def decide_proto(code: str, history: MemberHistory, ev: Event) -> Decision:
    return decide(load_prototype(code), history, ev)


def step(decision: Decision, code: str) -> Any:
    """The one step with this code (fails the test if absent or repeated)."""
    found = [s for s in decision.steps if s.code == code]
    assert len(found) == 1, (code, [s.code for s in decision.steps])
    return found[0]


def failed(decision: Decision) -> list[str]:
    return [s.code for s in decision.steps if not s.ok]


def claim(benefit: str, on: date, amount: int | str, units: int = 1) -> PastClaim:
    return PastClaim(benefit, on, D(amount), units)
