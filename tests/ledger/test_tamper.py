"""Tamper-evident books: any change made directly in the database is caught by verification,
which names the first entry that differs."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from kongtun.ledger.models import EntrySeal, MonthClose
from kongtun.ledger.seal import chain_hash, merkle_proof, merkle_root, merkle_verify, verify
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entry_post, month_close
from kongtun.ledger.triggers import uninstall_on
from tests.conftest import TODAY

# Committed for real (transaction=True): the attacker works on books that were posted in
# earlier transactions, as in life. The flush afterwards reinstalls the triggers.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def books(books_flushable, world):
    """Ten entries in Jan–Feb 2024, January closed: as a treasurer leaves them."""
    fund = world.fund_a
    fund.founded_on = dt.date(2024, 1, 1)
    fund.save()
    member = world.members_a[0]
    for i in range(10):
        day = dt.date(2024, 1 + i // 5, 3 + i)
        entry_post(
            fund=fund,
            draft=EntryDraft(
                date=day,
                description=f"เงินสัจจะ {i}",
                lines=[
                    LineDraft(
                        account=account_for(fund, "cash"),
                        debit=Decimal(30 + i),
                        member_id=member.pk,
                    ),
                    LineDraft(
                        account=account_for(fund, "contributions"),
                        credit=Decimal(30 + i),
                        member_id=member.pk,
                    ),
                ],
            ),
            actor=None,
            today=TODAY,
        )
    month_close(fund=fund, month=dt.date(2024, 1, 1), actor=None, today=TODAY)
    assert verify(fund).ok
    uninstall_on(connection)  # the attacker has the database and drops the triggers
    return fund


def run(sql: str, params=()) -> None:
    with connection.cursor() as c:
        c.execute(sql, params)


def insert_balanced_entry(fund, seq: int = 11) -> int:
    """One statement batch, one transaction: PostgreSQL's balance check runs at commit."""
    from django.db import transaction

    cash, donations = account_for(fund, "cash"), account_for(fund, "donations")
    with transaction.atomic():
        run(
            "INSERT INTO ledger_journalentry (fund_id, seq, date, description, source_type, source_ref, created_at)"
            " VALUES (%s, %s, '2024-02-25', 'extra', 'manual', '', '2024-02-25')",
            [fund.pk, seq],
        )
        new_id = entry_id(fund, seq)
        for account, amount in ((cash, 100), (donations, -100)):
            run(
                "INSERT INTO ledger_journalline (entry_id, fund_id, date, account_id, amount_satang, memo)"
                " VALUES (%s, %s, '2024-02-25', %s, %s, '')",
                [new_id, fund.pk, account.pk, amount],
            )
    return new_id


def entry_id(fund, seq: int) -> int:
    return fund.journal_entries.get(seq=seq).pk


def first_bad(fund) -> int | None:
    result = verify(fund)
    assert not result.ok
    return result.first_bad_seq


def test_an_edited_amount_is_caught_at_its_entry(books):
    # A careful attacker keeps the entry balanced: +1 baht on both sides.
    run(
        "UPDATE ledger_journalline SET amount_satang = amount_satang + 100 WHERE entry_id = %s AND amount_satang > 0",
        [entry_id(books, 4)],
    )
    run(
        "UPDATE ledger_journalline SET amount_satang = amount_satang - 100 WHERE entry_id = %s AND amount_satang < 0",
        [entry_id(books, 4)],
    )
    assert first_bad(books) == 4


def test_an_edited_description_or_date_is_caught(books):
    run("UPDATE ledger_journalentry SET description = 'x' WHERE id = %s", [entry_id(books, 7)])
    assert first_bad(books) == 7


def test_moving_an_entry_out_of_a_closed_month_is_caught(books):
    run("UPDATE ledger_journalentry SET date = '2024-02-20' WHERE id = %s", [entry_id(books, 2)])
    run(
        "UPDATE ledger_journalline SET date = '2024-02-20' WHERE entry_id = %s",
        [entry_id(books, 2)],
    )
    result = verify(books)
    assert result.first_bad_seq == 2
    assert any(f.code == "month_root" for f in result.findings)


def test_a_line_moved_to_another_account_is_caught(books):
    bank = account_for(books, "bank")
    run(
        "UPDATE ledger_journalline SET account_id = %s WHERE entry_id = %s AND amount_satang > 0",
        [bank.pk, entry_id(books, 9)],
    )
    assert first_bad(books) == 9


def test_a_deleted_entry_is_caught(books):
    victim = entry_id(books, 5)
    run("DELETE FROM ledger_journalline WHERE entry_id = %s", [victim])
    run("DELETE FROM ledger_entryseal WHERE entry_id = %s", [victim])
    run("DELETE FROM ledger_journalentry WHERE id = %s", [victim])
    assert first_bad(books) == 6


def test_deleting_the_last_entries_is_caught_by_the_published_head(books):
    for seq in (10, 9):
        victim = entry_id(books, seq)
        run("DELETE FROM ledger_journalline WHERE entry_id = %s", [victim])
        run("DELETE FROM ledger_entryseal WHERE entry_id = %s", [victim])
        run("DELETE FROM ledger_journalentry WHERE id = %s", [victim])
    result = verify(books)
    # January closed with the chain head at entry 10 (all ten entries existed then)
    assert not result.ok and any(f.code == "head" for f in result.findings)


def test_an_inserted_entry_is_caught(books):
    insert_balanced_entry(books)
    assert first_bad(books) == 11


def test_an_inserted_entry_with_a_forged_seal_is_caught(books):
    """The attacker even computes the SHA-256 chain, but cannot make the keyed seal."""
    from kongtun.ledger.seal import entry_contents

    new_id = insert_balanced_entry(books)
    [(_, _, content, *_)] = list(entry_contents(books.pk, 11, 11))
    prev = EntrySeal.objects.get(fund=books, seq=10).hash
    forged = chain_hash(prev, content)
    run(
        "INSERT INTO ledger_entryseal (entry_id, fund_id, seq, prev_hash, hash, mac) VALUES (%s, %s, 11, %s, %s, %s)",
        [new_id, books.pk, prev, forged, "0" * 32],
    )
    result = verify(books)
    assert result.first_bad_seq == 11 and result.findings[0].code == "forged"


def test_reordered_entries_are_caught(books):
    a, b = entry_id(books, 3), entry_id(books, 8)
    run("UPDATE ledger_journalentry SET seq = 1003 WHERE id = %s", [a])
    run("UPDATE ledger_journalentry SET seq = 3 WHERE id = %s", [b])
    run("UPDATE ledger_journalentry SET seq = 8 WHERE id = %s", [a])
    assert first_bad(books) == 3


def test_a_rewritten_chain_is_caught_by_the_key_and_by_published_roots(books, tmp_path):
    """Edit entry 2, then recompute every later seal and January's root: the keyed seals and
    the roots members hold from the printed report still catch it."""
    published = {"2024-01": MonthClose.objects.get(fund=books).merkle_root}
    run(
        "UPDATE ledger_journalline SET amount_satang = amount_satang * 10 WHERE entry_id = %s",
        [entry_id(books, 2)],
    )
    from kongtun.ledger.seal import entry_contents

    previous = EntrySeal.objects.get(fund=books, seq=1).hash
    for _seq, eid, content, *_ in entry_contents(books.pk, 2):
        digest = chain_hash(previous, content)
        run(
            "UPDATE ledger_entryseal SET prev_hash = %s, hash = %s WHERE entry_id = %s",
            [previous, digest, eid],
        )
        previous = digest
    leaves = list(
        EntrySeal.objects.filter(fund=books, seq__lte=5)
        .order_by("seq")
        .values_list("hash", flat=True)
    )
    run(
        "UPDATE ledger_monthclose SET merkle_root = %s, chain_head = %s WHERE fund_id = %s",
        [merkle_root(leaves), previous, books.pk],
    )
    result = verify(books, published_heads=published)
    assert result.first_bad_seq == 2
    assert {f.code for f in result.findings} >= {"forged", "published"}
    heads = tmp_path / "heads.json"
    heads.write_text(json.dumps(published))
    with pytest.raises(Exception, match="failed verification"):
        call_command("ledger_verify", fund=books.short_code, heads=str(heads))


def test_a_receipt_proves_its_entry_is_in_the_published_month(books):
    leaves = list(
        EntrySeal.objects.filter(fund=books, seq__lte=5)
        .order_by("seq")
        .values_list("hash", flat=True)
    )
    root = MonthClose.objects.get(fund=books).merkle_root
    for i, leaf in enumerate(leaves):
        assert merkle_verify(leaf, merkle_proof(leaves, i), root)
    assert not merkle_verify(leaves[0], merkle_proof(leaves, 1), root)
