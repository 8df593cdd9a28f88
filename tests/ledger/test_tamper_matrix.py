"""The tamper matrix (issue 11): each change someone holding the database file can make is
caught by ``manage.py ledger_verify`` — exit non-zero, the first bad item named — either by
the books alone or against copies kept outside (heads.json, receipts).

Already covered in test_tamper.py: an edited amount, description or date, an entry moved out
of a closed month, a line moved to another account, a deleted entry in the middle, an
inserted entry (unsealed or with a forged seal), reordered entries, a rewritten chain against
published roots.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from kongtun.ledger.models import EntrySeal, MonthClose
from kongtun.ledger.seal import GENESIS, chain_hash, merkle_root, seal_mac, verify
from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entry_post, month_close
from kongtun.ledger.triggers import uninstall_on
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db(transaction=True)


def post(fund, day: dt.date, amount: int = 30, member=None):
    return entry_post(
        fund=fund,
        draft=EntryDraft(
            date=day,
            description=f"เงินสัจจะ {amount}",
            lines=[
                LineDraft(
                    account=account_for(fund, "cash"),
                    debit=Decimal(amount),
                    member_id=member.pk if member else None,
                ),
                LineDraft(
                    account=account_for(fund, "contributions"),
                    credit=Decimal(amount),
                    member_id=member.pk if member else None,
                ),
            ],
        ),
        actor=None,
        today=TODAY,
    )


@pytest.fixture
def books(books_flushable, world):
    """Entries 1–5 in January 2024, 6–10 in February; January closed; entries 11–12 posted
    in February after the close — as a treasurer leaves them."""
    fund = world.fund_a
    fund.founded_on = dt.date(2024, 1, 1)
    fund.save()
    for i in range(10):
        post(fund, dt.date(2024, 1 + i // 5, 3 + i), 30 + i, world.members_a[0])
    month_close(fund=fund, month=dt.date(2024, 1, 1), actor=None, today=TODAY)
    post(fund, dt.date(2024, 2, 20), 50)
    post(fund, dt.date(2024, 2, 21), 60)
    assert verify(fund).ok
    return fund


def fund_heads(fund) -> dict:
    """What /p/<code>/heads.json gives now (imported here so that, on the code before issue
    11, every test fails on its own assertion rather than the module on an import)."""
    from kongtun.ledger.heads import fund_heads as heads

    return heads(fund)


def tamper(sql: str, params=()) -> None:
    uninstall_on(connection)  # the attacker has the database and drops the triggers
    with connection.cursor() as c:
        c.execute(sql, params)


def entry_id(fund, seq: int) -> int:
    return fund.journal_entries.get(seq=seq).pk


def remove_newest(fund, down_to: int, *, counter_too: bool = False) -> None:
    """Delete the newest entries with their lines and seals (and, for a careful attacker or
    an older copy of the file, set the entry counter back)."""
    last = fund.journal_entries.order_by("-seq").values_list("seq", flat=True).first()
    for seq in range(last, down_to, -1):
        victim = entry_id(fund, seq)
        tamper("DELETE FROM ledger_journalline WHERE entry_id = %s", [victim])
        tamper("DELETE FROM ledger_entryseal WHERE entry_id = %s", [victim])
        tamper("DELETE FROM ledger_journalentry WHERE id = %s", [victim])
    if counter_too:
        tamper(
            "UPDATE core_counter SET value = %s WHERE fund_id = %s AND key = 'journal'",
            [down_to, fund.pk],
        )


def save(tmp_path, name: str, doc) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def verify_fails(fund, **options) -> str:
    """Run ``ledger_verify``; it must fail. Returns what it wrote to stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="failed verification"):
        call_command(
            "ledger_verify", fund=fund.short_code, stderr=err, stdout=io.StringIO(), **options
        )
    return err.getvalue()


def first_bad_line(stderr: str) -> str:
    return next(line for line in stderr.splitlines() if "first bad item" in line)


def test_truncating_the_newest_entries_with_their_seals_is_caught(books):
    remove_newest(books, 10)
    assert "first bad item: entry 11 [truncated]" in first_bad_line(verify_fails(books))


def test_truncation_with_the_counter_set_back_is_caught_against_a_saved_head(books, tmp_path):
    heads = save(tmp_path, "heads.json", fund_heads(books))
    remove_newest(books, 10, counter_too=True)
    assert verify(books).ok  # nothing inside the database can tell
    assert "first bad item: entry 11 [behind]" in first_bad_line(verify_fails(books, heads=heads))


def test_a_rollback_to_an_older_copy_is_caught_against_later_heads(books, tmp_path):
    """The server keeps going (February closes, March is posted), members keep heads.json;
    then the January copy of the file is put back."""
    month_close(fund=books, month=dt.date(2024, 2, 1), actor=None, today=TODAY)
    post(books, dt.date(2024, 3, 5), 70)
    later = save(tmp_path, "later.json", [fund_heads(books)])
    tamper("DELETE FROM ledger_monthclose WHERE fund_id = %s AND month = '2024-02-01'", [books.pk])
    remove_newest(books, 10, counter_too=True)
    assert verify(books).ok
    stderr = verify_fails(books, heads=[later])
    assert "first bad item: entry 11 [behind]" in first_bad_line(stderr)
    assert "2024-02: published as closed" in stderr


def test_rolling_back_to_an_empty_database_is_caught(books, tmp_path):
    heads = save(tmp_path, "heads.json", fund_heads(books))
    tamper("DELETE FROM ledger_monthclose WHERE fund_id = %s", [books.pk])
    remove_newest(books, 0, counter_too=True)
    stderr = verify_fails(books, heads=heads)
    assert "first bad item: entry 1 [behind]" in first_bad_line(stderr)


def test_removing_the_last_month_close_is_caught_by_the_entries_posted_after_it(books):
    tamper("DELETE FROM ledger_monthclose WHERE fund_id = %s", [books.pk])
    assert "first bad item: entry 11 [close_missing]" in first_bad_line(verify_fails(books))


def test_a_reopened_month_refuses_payments(books):
    """The close row is gone, but the seals show January was closed: nothing may be dated in
    it."""
    tamper("DELETE FROM ledger_monthclose WHERE fund_id = %s", [books.pk])
    with pytest.raises(ValidationError, match=r"ม\.ค\. 2567"):
        post(books, dt.date(2024, 1, 25), 10_000)


def test_a_middle_close_removed_refuses_payments_into_it(books):
    month_close(fund=books, month=dt.date(2024, 2, 1), actor=None, today=TODAY)
    tamper("DELETE FROM ledger_monthclose WHERE fund_id = %s AND month = '2024-01-01'", [books.pk])
    with pytest.raises(ValidationError, match=r"ม\.ค\. 2567"):
        post(books, dt.date(2024, 1, 25), 10_000)
    stderr = verify_fails(books)
    assert "first bad item: entry 11 [close_missing] posted after 2024-01 closed" in stderr
    assert "[close_gap] entry None: 2024-01 has no close but 2024-02 has" in stderr


def test_removing_the_last_close_with_nothing_after_it_is_caught_against_heads(books, tmp_path):
    month_close(fund=books, month=dt.date(2024, 2, 1), actor=None, today=TODAY)
    heads = save(tmp_path, "heads.json", fund_heads(books))
    tamper("DELETE FROM ledger_monthclose WHERE fund_id = %s AND month = '2024-02-01'", [books.pk])
    assert verify(books).ok  # no entry was sealed after it: only an outside copy knows
    stderr = verify_fails(books, heads=heads)
    assert "first bad item: month close [published_month] 2024-02" in first_bad_line(stderr)


def test_a_published_head_ahead_of_the_database_is_caught(books, tmp_path):
    doc = fund_heads(books)
    doc["head"].update(seq=14, entries=14, hash="ab" * 32)
    stderr = verify_fails(books, heads=save(tmp_path, "heads.json", doc))
    assert "first bad item: entry 13 [behind]" in first_bad_line(stderr)


def test_a_published_head_not_in_the_chain_is_caught(books, tmp_path):
    doc = fund_heads(books)
    doc["head"]["hash"] = "ab" * 32
    stderr = verify_fails(books, heads=save(tmp_path, "heads.json", doc))
    assert "first bad item: entry 12 [published_head]" in first_bad_line(stderr)


def test_a_receipt_whose_entry_is_gone_is_caught(books, tmp_path):
    codes = {s.seq: s.verification_code for s in EntrySeal.objects.filter(fund=books)}
    receipts = tmp_path / "receipts.txt"
    receipts.write_text(f"# collected at the meeting\n3 {codes[3]}\n12:{codes[12]}\n", "utf-8")
    remove_newest(books, 11, counter_too=True)
    stderr = verify_fails(books, receipts=str(receipts))
    assert "first bad item: entry 12 [receipt]" in first_bad_line(stderr)


def test_a_receipt_code_not_at_its_number_is_caught(books, tmp_path):
    codes = {s.seq: s.verification_code for s in EntrySeal.objects.filter(fund=books)}
    receipts = tmp_path / "receipts.txt"
    receipts.write_text(f"4 {codes[5]}\n{codes[6]}\nAAAAAAAAAA\n", "utf-8")
    stderr = verify_fails(books, receipts=str(receipts))
    assert "first bad item: entry 4 [receipt]" in first_bad_line(stderr)
    assert "receipt AAAAAAAAAA: no entry of the fund has this code" in stderr


def test_a_line_date_changed_is_caught(books):
    """Moving one leg into March changes March's monthly report; the entry's date stays."""
    tamper(
        "UPDATE ledger_journalline SET date = '2024-03-01' WHERE entry_id = %s",
        [entry_id(books, 7)],
    )
    assert "first bad item: entry 7 [content]" in first_bad_line(verify_fails(books))


def test_a_line_fund_changed_is_caught(books, world):
    tamper(
        "UPDATE ledger_journalline SET fund_id = %s WHERE entry_id = %s AND amount_satang > 0",
        [world.fund_b.pk, entry_id(books, 8)],
    )
    assert "first bad item: entry 8 [content]" in first_bad_line(verify_fails(books))


def reseal_as_version_1(fund) -> None:
    """Books sealed before issue 11 (seal format 1, line dates and funds not hashed)."""
    from kongtun.ledger.seal import entry_contents_v1

    tamper("DELETE FROM ledger_entryseal WHERE fund_id = %s", [fund.pk])
    previous = GENESIS
    for seq, eid, content in entry_contents_v1(fund.pk, 1):
        digest = chain_hash(previous, content)
        tamper(
            "INSERT INTO ledger_entryseal (entry_id, fund_id, seq, prev_hash, hash, mac, "
            "version, anchor) VALUES (%s, %s, %s, %s, %s, %s, 1, '')",
            [eid, fund.pk, seq, previous, digest, seal_mac(digest)],
        )
        previous = digest
    head = EntrySeal.objects.get(fund=fund, seq=10).hash
    january = [EntrySeal.objects.get(fund=fund, seq=n).hash for n in range(1, 6)]
    tamper(
        "UPDATE ledger_monthclose SET chain_head = %s, merkle_root = %s WHERE fund_id = %s",
        [head, merkle_root(january), fund.pk],
    )


def test_books_sealed_in_the_old_format_still_verify_and_their_line_dates_are_checked(books):
    reseal_as_version_1(books)
    assert verify(books).ok
    post(books, dt.date(2024, 2, 25), 20)  # new entries are sealed in format 2 after them
    assert EntrySeal.objects.get(fund=books, seq=13).version == 2
    assert verify(books).ok
    tamper(
        "UPDATE ledger_journalline SET date = '2024-03-01' WHERE entry_id = %s",
        [entry_id(books, 7)],
    )
    assert "first bad item: entry 7 [line]" in first_bad_line(verify_fails(books))


def test_untouched_books_pass_against_their_own_heads_and_receipts(books, tmp_path):
    month_close(fund=books, month=dt.date(2024, 2, 1), actor=None, today=TODAY)
    heads = save(tmp_path, "heads.json", fund_heads(books))
    seal = EntrySeal.objects.get(fund=books, seq=12)
    receipts = tmp_path / "r.txt"
    receipts.write_text(
        f"12 {seal.verification_code}\nhttp://x/p/FUNDA/verify/?code={seal.verification_code}"
        "&n=12\n",
        "utf-8",
    )
    out = io.StringIO()
    call_command(
        "ledger_verify", fund=books.short_code, heads=[heads], receipts=[str(receipts)], stdout=out
    )
    assert "12 entries verified, chain intact" in out.getvalue()
    assert MonthClose.objects.filter(fund=books).count() == 2


# --- the checkpoint (decision 0013) ----------------------------------------------------------


def verify_out(fund, **options) -> str:
    out = io.StringIO()
    call_command("ledger_verify", fund=fund.short_code, stdout=out, **options)
    return out.getvalue()


def test_the_next_run_reads_only_entries_after_the_last_clean_one(books):
    assert "12 entries verified, chain intact\n" in verify_out(books)
    post(books, dt.date(2024, 2, 25), 20)
    again = verify_out(books)
    assert "13 entries verified, chain intact (1 read now; entries up to 12 were read on" in again
    assert "13 entries verified, chain intact\n" in verify_out(books, full=True)


def test_a_changed_entry_before_the_checkpoint_is_caught_by_the_full_check(books):
    verify_out(books)
    tamper(
        "UPDATE ledger_journalline SET date = '2024-03-01' WHERE entry_id = %s",
        [entry_id(books, 3)],
    )
    assert verify_out(books).startswith("FUNDA: 12 entries verified")  # not read again
    assert "first bad item: entry 3 [content]" in first_bad_line(verify_fails(books, full=True))


def test_a_rewritten_seal_at_the_checkpoint_makes_the_run_full_and_names_the_entry(books):
    verify_out(books)
    tamper(
        "UPDATE ledger_entryseal SET hash = %s WHERE fund_id = %s AND seq = 12",
        ["cd" * 32, books.pk],
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ledger_verify", fund=books.short_code, stderr=err, stdout=io.StringIO())
    assert "first bad item: entry 12 [checkpoint]" in first_bad_line(err.getvalue())
    assert "[content] entry 12" in err.getvalue()


def test_a_checkpoint_written_behind_the_application_is_ignored(books):
    from kongtun.ledger.models import VerifiedCheckpoint

    verify_out(books)
    VerifiedCheckpoint.objects.update(seq=12, mac="0" * 32)
    tamper(
        "UPDATE ledger_journalline SET date = '2024-03-01' WHERE entry_id = %s",
        [entry_id(books, 4)],
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ledger_verify", fund=books.short_code, stderr=err, stdout=io.StringIO())
    assert "first bad item: entry 4 [content]" in first_bad_line(err.getvalue())


def test_the_verify_page_says_in_thai_what_stays_undetectable_and_takes_heads_json(
    books, world, client
):
    from django.urls import reverse

    month_close(fund=books, month=dt.date(2024, 2, 1), actor=None, today=TODAY)
    doc = json.dumps(fund_heads(books))
    client.force_login(world.chair_a)
    url = reverse("reports_verify", args=[books.pk])
    page = client.get(url).content.decode()
    assert "สิ่งที่การตรวจสอบนี้จับไม่ได้" in page and "ย้อนบัญชี" in page
    tamper("DELETE FROM ledger_monthclose WHERE fund_id = %s AND month = '2024-02-01'", [books.pk])
    assert "✓" in client.get(url).content.decode()  # the books alone cannot tell
    page = client.post(url, {"published": doc}).content.decode()
    assert "✗" in page and "เดือนที่ประกาศว่าปิดงวดแล้วไม่มีการปิดงวดในฐานข้อมูล" in page


def test_heads_of_another_fund_are_not_taken_for_this_ones(books, world, tmp_path):
    heads = save(tmp_path, "b.json", fund_heads(world.fund_b))
    err = io.StringIO()
    with pytest.raises(CommandError, match="failed verification"):
        call_command(
            "ledger_verify", fund=books.short_code, heads=[heads], stderr=err, stdout=io.StringIO()
        )
    assert "FUNDA: the heads given are another fund's" in err.getvalue()
