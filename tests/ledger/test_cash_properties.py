"""Property: whatever is posted, in any order and at any date (back-dated included), in
batches or one by one, with reversals, the accepted postings never leave cash on hand or the
bank below zero at the end of any day — and a posting is refused only when it would."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from kongtun.ledger.models import JournalEntry, JournalLine
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entries_post, entry_reverse
from tests.conftest import TODAY, _fund

ROLES = ["cash", "bank", "contributions", "matching_local", "benefit:death", "admin"]
MONEY = ("cash", "bank")
START = dt.date(2026, 1, 1)
amounts = st.integers(min_value=1, max_value=5_000_00)  # satang
days = st.dates(min_value=START, max_value=TODAY)
leg = st.tuples(days, st.sampled_from(ROLES), st.sampled_from(ROLES), amounts).filter(
    lambda t: t[1] != t[2]
)
post = st.tuples(st.just("post"), st.lists(leg, min_size=1, max_size=3))
reverse = st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=30))


def daily_running(moves: dict[dt.date, int]) -> list[int]:
    out, running = [], 0
    for day in sorted(moves):
        running += moves[day]
        out.append(running)
    return out


class CashNeverNegative(TestCase):
    def setUp(self) -> None:
        from kongtun.funds.models import Fund

        self.fund = Fund.objects.filter(short_code="CASHP").first() or _fund(
            "CASHP", "กองทุนทดสอบเงินสด", "510703"
        )
        self.fund.founded_on = START
        self.fund.save()
        self.accounts = {role: account_for(self.fund, role) for role in ROLES}

    def book(self) -> dict[str, dict[dt.date, int]]:
        """Per money role, the day's net movement, from the database."""
        out: dict[str, dict[dt.date, int]] = {}
        for role in MONEY:
            out[role] = dict(
                JournalLine.objects.filter(account=self.accounts[role])
                .values_list("date")
                .annotate(s=Sum("amount_satang"))
                .order_by("date")
            )
        return out

    def would_stay_positive(self, extra: list[tuple[dt.date, str, int]]) -> bool:
        """The rule, said plainly: after the posting, no day's closing balance of cash or
        bank is below zero (the books start empty and every accepted posting kept them so)."""
        book = self.book()
        for day, role, satang in extra:
            if role in MONEY:
                book[role][day] = book[role].get(day, 0) + satang
        return all(min(daily_running(book[r]), default=0) >= 0 for r in MONEY)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops=st.lists(st.one_of(post, reverse), max_size=14))
    def test_accepted_postings_never_leave_cash_or_bank_below_zero(self, ops):
        for op in ops:
            count = JournalEntry.objects.filter(fund=self.fund).count()
            if op[0] == "post":
                drafts, extra = [], []
                for day, debit, credit, satang in op[1]:
                    amount = Decimal(satang) / 100
                    drafts.append(
                        EntryDraft(
                            date=day,
                            description="prop",
                            lines=[
                                LineDraft(account=self.accounts[debit], debit=amount),
                                LineDraft(account=self.accounts[credit], credit=amount),
                            ],
                        )
                    )
                    extra += [(day, debit, satang), (day, credit, -satang)]
                expected_ok = self.would_stay_positive(extra)
                try:
                    entries_post(fund=self.fund, drafts=drafts, actor=None, today=TODAY)
                    accepted = True
                except ValidationError:
                    accepted = False
            else:
                entries = list(
                    JournalEntry.objects.filter(
                        fund=self.fund, reverses__isnull=True, reversed_by__isnull=True
                    ).order_by("seq")
                )
                if not entries:
                    continue
                entry = entries[op[1] % len(entries)]
                extra = [
                    (TODAY, role, -line.amount_satang)
                    for line in entry.lines.select_related("account")
                    for role in [line.account.role]
                ]
                expected_ok = self.would_stay_positive(extra)
                try:
                    entry_reverse(entry=entry, date=TODAY, reason="prop", actor=None, today=TODAY)
                    accepted = True
                except ValidationError:
                    accepted = False
            assert accepted == expected_ok, (op, accepted)
            if not accepted:  # nothing half-written
                assert JournalEntry.objects.filter(fund=self.fund).count() == count
            book = self.book()
            for role in MONEY:
                assert min(daily_running(book[role]), default=0) >= 0, role


def test_daily_running_is_a_running_sum():
    moves: dict[dt.date, int] = defaultdict(int)
    moves[dt.date(2026, 1, 2)] += 5
    moves[dt.date(2026, 1, 1)] -= 2
    assert daily_running(moves) == [-2, 3]
