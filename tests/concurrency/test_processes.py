"""Several treasurers at once, each in its own process with its own connection — the way a
meeting with two laptops, a double click, or an import beside the meeting batch really runs.

Each test starts real processes (``tests/concurrency/worker.py``) against the test database
and asserts what a treasurer would check afterwards: no error page, no duplicate receipt, no
gap in the numbers, no payment lost, the books balanced and every member's months covered once.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from kongtun.contributions.models import ContributionPayment, Receipt
from kongtun.contributions.services import plan_assign
from kongtun.ledger.models import JournalEntry, MonthClose
from kongtun.ledger.selectors import trial_balance
from kongtun.members.services import member_create
from tests.concurrency.worker import collect, spawn
from tests.conftest import TODAY, make_nid, member_input

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PAID_ON = dt.date(2026, 11, 20)


@pytest.fixture
def fund(books_flushable, world):
    fund = world.fund_a
    monthly = fund.contribution_plans.get(months=1)
    members = list(world.members_a)
    for i in range(7):
        members.append(
            member_create(
                fund=fund,
                data=member_input(
                    fund, nid=make_nid(f"3101700240{i:02d}"), join_date=dt.date(2020, 1, 1)
                ),
                actor=None,
                today=TODAY,
            )
        )
    for m in members:
        plan_assign(member=m, plan=monthly, effective_date=m.join_date)
    fund.test_numbers = [m.number for m in members]
    return fund


def _start() -> float:
    return time.time() + 2.0  # every worker has imported Django by then


def _db() -> str:
    return connection.settings_dict["NAME"]


def _books_are_sound(fund) -> None:
    call_command("ledger_check", "--fund", fund.short_code)
    seqs = list(
        JournalEntry.objects.filter(fund=fund).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, len(seqs) + 1)), "entry numbers have a gap"
    tb = trial_balance(fund=fund)
    assert tb["total_debit"] == tb["total_credit"]


def _no_month_paid_twice(fund) -> None:
    taken: dict[int, set[tuple[int, int]]] = {}
    for p in ContributionPayment.objects.filter(fund=fund, voided_at__isnull=True):
        start = p.period_start.year * 12 + p.period_start.month
        months = {(start + k) for k in range(p.months)}
        seen = taken.setdefault(p.member_id, set())
        assert not (seen & months), f"member {p.member_id} has a month paid twice"
        seen |= months


def test_two_treasurers_paying_the_same_members_at_once(fund):
    """Observed before: IntegrityError in 19 of 40 batches on PostgreSQL."""
    numbers = fund.test_numbers
    start = _start()
    procs = [
        spawn(
            _db(),
            "pay",
            start,
            fund_id=fund.pk,
            numbers=numbers if i == 0 else numbers[::-1],
            count=20,
            amount="30.00",
            paid_on=PAID_ON.isoformat(),
        )
        for i in range(2)
    ] + [
        spawn(
            _db(),
            "batch",
            start,
            fund_id=fund.pk,
            numbers=numbers[:5],
            batches=4,
            amount="30.00",
            paid_on=PAID_ON.isoformat(),
        )
    ]
    results = collect(procs)
    assert [r["errors"] for r in results] == [[], [], []]
    made = [pk for r in results for pk in r["receipts"]]
    assert len(made) == 20 + 20 + 4 * 5 == len(set(made))
    numbers_issued = sorted(Receipt.objects.filter(fund=fund).values_list("number", flat=True))
    assert numbers_issued == list(range(1, len(made) + 1))
    assert ContributionPayment.objects.filter(fund=fund).count() == len(made)
    _no_month_paid_twice(fund)
    _books_are_sound(fund)


def test_a_double_submitted_payment_is_recorded_once(fund, world):
    """Observed before: HTTP 500 on 15 of 15 double submits, the treasurer's entry lost."""
    url = reverse("contributions_pay", kwargs={"fund_id": fund.pk})
    start = _start()
    procs = []
    for i, number in enumerate(fund.test_numbers[:4]):
        data = {
            "member_number": number,
            "paid_on": "20/11/2569",
            "amount": "90",
            "periods": "",
            "into": "cash",
            "idempotency_key": f"key-{i}",
        }
        # the same form, sent by three tabs / clicks at the same moment
        procs += [
            spawn(_db(), "web", start, user_id=world.treasurer_a.pk, url=url, data=data, times=1)
            for _ in range(3)
        ]
    results = collect(procs)
    assert all(r["errors"] == [] for r in results)
    answers = [a for r in results for a in r["answers"]]
    assert {status for status, _ in answers} == {302}, answers
    assert Receipt.objects.filter(fund=fund).count() == 4
    for i in range(4):
        same_form = {loc for _, loc in answers[i * 3 : i * 3 + 3]}
        assert len(same_form) == 1, "a resubmit must lead to the receipt the first one made"
    _no_month_paid_twice(fund)
    _books_are_sound(fund)


def test_an_import_beside_the_meeting_batch_and_a_month_close(fund, tmp_path):
    """Observed before: an import next to a batch posting deadlocked on PostgreSQL."""
    book = tmp_path / "book.csv"
    rows = ["เลขที่สมาชิก,วันที่ชำระ,จำนวนเงิน"]
    for number in fund.test_numbers[5:]:
        for month in range(1, 7):
            rows.append(f"{number},15/{month:02d}/2569,30")
    book.write_text("\n".join(rows) + "\n", encoding="utf-8")
    start = _start()
    procs = [
        spawn(
            _db(),
            "import",
            start,
            fund_id=fund.pk,
            path=str(book),
            today=TODAY.isoformat(),
        ),
        spawn(
            _db(),
            "batch",
            start,
            fund_id=fund.pk,
            numbers=fund.test_numbers[:5],
            batches=6,
            amount="30.00",
            paid_on=PAID_ON.isoformat(),
        ),
        spawn(
            _db(),
            "close",
            start,
            fund_id=fund.pk,
            through="2025-12-01",
            today=TODAY.isoformat(),
        ),
    ]
    imported, batch, closed = collect(procs)
    assert imported["errors"] == [] and batch["errors"] == [] and closed["errors"] == []
    assert imported["rows"] == 5 * 6
    assert len(batch["receipts"]) == 6 * 5
    assert MonthClose.objects.filter(fund=fund, month=dt.date(2025, 12, 1)).exists()
    _no_month_paid_twice(fund)
    _books_are_sound(fund)
    paid = sum((p.amount for p in ContributionPayment.objects.filter(fund=fund)), Decimal("0.00"))
    assert paid == Decimal("30.00") * (5 * 6 + 6 * 5)


def test_a_deadlock_the_database_breaks_is_retried_not_shown(fund):
    """Two writers taking two locks in opposite orders: the database aborts one ("deadlock
    detected" on PostgreSQL; SQLite queues them), the retry runs it again, both succeed."""
    from kongtun.core.models import Counter

    for key in ("x", "y"):
        Counter.objects.create(fund=fund, key=key)
    start = _start()
    procs = [
        spawn(_db(), "deadlock", start, fund_id=fund.pk, keys=keys, pause=0.5)
        for keys in (["x", "y"], ["y", "x"])
    ]
    results = collect(procs)
    assert [r["errors"] for r in results] == [[], []]
    assert sorted(
        Counter.objects.filter(fund=fund, key__in=["x", "y"]).values_list("value", flat=True)
    ) == [2, 2]
    if connection.vendor == "postgresql":
        assert sorted(r["attempts"] for r in results) == [1, 2]
