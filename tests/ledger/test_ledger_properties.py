"""Property-based: any sequence of postings and reversals keeps the books balanced, and every
balance equals the sum of its lines."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from kongtun.ledger.chart import DEFAULT_CHART
from kongtun.ledger.models import JournalEntry, JournalLine
from kongtun.ledger.selectors import account_sums, trial_balance
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entry_post, entry_reverse
from tests.conftest import TODAY, _fund

ROLES = [role for *_, role in DEFAULT_CHART]
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
days = st.dates(min_value=dt.date(2010, 1, 1), max_value=TODAY)

post = st.tuples(
    st.just("post"),
    st.lists(st.tuples(st.sampled_from(ROLES), amounts), min_size=1, max_size=4),
    st.sampled_from(ROLES),
    days,
)
reverse = st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=50))


class LedgerProperties(TestCase):
    def setUp(self) -> None:
        from kongtun.funds.models import Fund

        self.fund = Fund.objects.filter(short_code="PROP").first() or _fund(
            "PROP", "กองทุนทดสอบ", "510701"
        )
        self.fund.founded_on = dt.date(2010, 1, 1)
        self.fund.save()
        # Cash and bank can never go below zero: start with enough of both for any example.
        self.opening = [
            ("cash", 10_000_000_00),
            ("bank", 10_000_000_00),
            ("capital", -20_000_000_00),
        ]
        entry_post(
            fund=self.fund,
            draft=EntryDraft(
                date=dt.date(2010, 1, 1),
                description="ยอดยกมา",
                lines=[
                    LineDraft(account=account_for(self.fund, "cash"), debit=Decimal(10_000_000)),
                    LineDraft(account=account_for(self.fund, "bank"), debit=Decimal(10_000_000)),
                    # two lines: one line may carry at most the fund's maximum (10,000,000.00)
                    LineDraft(
                        account=account_for(self.fund, "capital"), credit=Decimal(10_000_000)
                    ),
                    LineDraft(
                        account=account_for(self.fund, "capital"), credit=Decimal(10_000_000)
                    ),
                ],
            ),
            actor=None,
            today=TODAY,
        )

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops=st.lists(st.one_of(post, reverse), max_size=12))
    def test_any_sequence_of_postings_and_reversals_stays_balanced(self, ops):
        expected: dict[str, int] = defaultdict(int)
        for role, satang in self.opening:
            expected[role] += satang
        posted: list[tuple[JournalEntry, list[tuple[str, int]]]] = []
        for op in ops:
            if op[0] == "post":
                _, debits, credit_role, day = op
                total = sum(a for _, a in debits)
                lines = [LineDraft(account=account_for(self.fund, r), debit=a) for r, a in debits]
                lines.append(LineDraft(account=account_for(self.fund, credit_role), credit=total))
                entry = entry_post(
                    fund=self.fund,
                    draft=EntryDraft(date=day, description="prop", lines=lines),
                    actor=None,
                    today=TODAY,
                )
                legs = [(r, int(a * 100)) for r, a in debits] + [(credit_role, -int(total * 100))]
                for role, satang in legs:
                    expected[role] += satang
                posted.append((entry, legs))
            elif posted:
                entry, legs = posted[op[1] % len(posted)]
                try:
                    entry_reverse(entry=entry, date=TODAY, reason="prop", actor=None, today=TODAY)
                except ValidationError:
                    continue  # already reversed: refused, nothing written
                for role, satang in legs:
                    expected[role] -= satang
        tb = trial_balance(fund=self.fund)
        assert tb["total_debit"] == tb["total_credit"]
        sums = account_sums(fund=self.fund)
        by_role = {account_for(self.fund, r).pk: r for r in ROLES}
        assert {by_role[pk]: s for pk, s in sums.items() if s} == {
            r: s for r, s in expected.items() if s
        }
        # Every entry is balanced on its own, numbered 1..n without gaps.
        seqs = list(
            JournalEntry.objects.filter(fund=self.fund)
            .order_by("seq")
            .values_list("seq", flat=True)
        )
        assert seqs == list(range(1, len(seqs) + 1))
        for entry_id in JournalEntry.objects.filter(fund=self.fund).values_list("id", flat=True):
            assert (
                sum(
                    JournalLine.objects.filter(entry_id=entry_id).values_list(
                        "amount_satang", flat=True
                    )
                )
                == 0
            )

    @settings(max_examples=25, deadline=None)
    @given(
        statement=st.sampled_from(
            [
                "UPDATE ledger_journalline SET amount_satang = {v} WHERE id = {line}",
                "UPDATE ledger_journalline SET account_id = {acct} WHERE id = {line}",
                "UPDATE ledger_journalentry SET date = '2011-01-01' WHERE id = {entry}",
                "UPDATE ledger_journalentry SET description = 'x{v}' WHERE id = {entry}",
                "DELETE FROM ledger_journalline WHERE id = {line}",
                "DELETE FROM ledger_journalentry WHERE id = {entry}",
            ]
        ),
        v=st.integers(min_value=1, max_value=10**9),
    )
    def test_no_update_or_delete_succeeds_through_raw_sql(self, statement, v):
        entry = entry_post(
            fund=self.fund,
            draft=EntryDraft(
                date=dt.date(2020, 1, 1),
                description="prop",
                lines=[
                    LineDraft(account=account_for(self.fund, "cash"), debit=Decimal("5")),
                    LineDraft(account=account_for(self.fund, "donations"), credit=Decimal("5")),
                ],
            ),
            actor=None,
            today=TODAY,
        )
        line = entry.lines.first()
        sql = statement.format(
            v=v, line=line.pk, entry=entry.pk, acct=account_for(self.fund, "bank").pk
        )
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
            changed = True
        except (DatabaseError, IntegrityError):
            changed = False
        assert not changed
        line.refresh_from_db()
        assert line.amount_satang == 500
