"""Export a fund's books as an hledger / ledger-cli journal, so an independent tool can
reproduce every balance to the satang."""

from __future__ import annotations

from collections.abc import Iterator

from kongtun.funds.models import Fund
from kongtun.ledger.models import Account, JournalEntry, JournalLine

TOP = {
    "asset": "assets",
    "liability": "liabilities",
    "equity": "equity",
    "income": "income",
    "expense": "expenses",
}


def hledger_account_name(account: Account) -> str:
    # Two spaces end an account name in hledger; keep names to single spaces.
    name = " ".join((account.name_en or account.name_th).replace(";", ",").split())
    return f"{TOP[account.type]}:{account.code} {name}"


def _baht(satang: int) -> str:
    sign = "-" if satang < 0 else ""
    satang = abs(satang)
    return f"{sign}{satang // 100}.{satang % 100:02d}"


def hledger_journal(fund: Fund) -> Iterator[str]:
    """Yield the journal text line by line (streams: a million lines stay out of memory)."""
    accounts = {a.pk: hledger_account_name(a) for a in Account.objects.filter(fund=fund)}
    yield f"; Kongtun export of {fund.name_th} ({fund.short_code})\n"
    yield "commodity 1,000.00 THB\n\n"
    for name in sorted(accounts.values()):
        yield f"account {name}\n"
    yield "\n"
    entries = (
        JournalEntry.objects.filter(fund=fund)
        .order_by("seq")
        .values_list("id", "seq", "date", "description")
    )
    lines = (
        JournalLine.objects.filter(fund=fund)
        .order_by("entry__seq", "id")
        .values_list("entry_id", "account_id", "amount_satang")
    )
    line_iter = iter(lines.iterator(chunk_size=20000))
    pending = next(line_iter, None)
    for entry_id, seq, date, description in entries.iterator(chunk_size=20000):
        text = " ".join(description.replace(";", ",").split())
        yield f"{date.isoformat()} ({seq}) {text}\n"
        while pending is not None and pending[0] == entry_id:
            yield f"    {accounts[pending[1]]}  {_baht(pending[2])} THB\n"
            pending = next(line_iter, None)
        yield "\n"
