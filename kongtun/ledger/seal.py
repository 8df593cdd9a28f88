"""Tamper-evident books: a SHA-256 chain over every entry in posting order, and a Merkle root
per closed month (decision 0009).

The canonical content of an entry is built by the database itself (one query, both vendors),
so sealing and verifying read exactly the bytes that are stored — a row edited, deleted,
inserted or reordered behind the application's back changes what this query returns and
breaks the chain at that entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from kongtun.funds.models import Fund

GENESIS = "0" * 64

_LINES_SQLITE = (
    "(SELECT group_concat(x, ';') FROM (SELECT l.account_id || ':' || l.amount_satang || ':' "
    "|| IFNULL(l.member_id, '') || ':' || l.memo AS x FROM ledger_journalline l "
    "WHERE l.entry_id = e.id ORDER BY l.id))"
)
_LINES_POSTGRES = (
    "(SELECT string_agg(l.account_id || ':' || l.amount_satang || ':' || "
    "COALESCE(l.member_id::text, '') || ':' || l.memo, ';' ORDER BY l.id) "
    "FROM ledger_journalline l WHERE l.entry_id = e.id)"
)
_DATE = {"sqlite": "e.date", "postgresql": "to_char(e.date, 'YYYY-MM-DD')"}
_NULL = {"sqlite": "IFNULL", "postgresql": "COALESCE"}


def _content_sql(vendor: str) -> str:
    lines = _LINES_SQLITE if vendor == "sqlite" else _LINES_POSTGRES
    null = _NULL[vendor]
    cast = "" if vendor == "sqlite" else "::text"
    return (
        f"e.fund_id || '|' || e.seq || '|' || {_DATE[vendor]} || '|' || e.description || '|' || "
        f"e.source_type || '|' || e.source_ref || '|' || {null}(e.agency_id{cast}, '') || '|' || "
        f"{null}(e.reverses_id{cast}, '') || '|' || {null}({lines}, '')"
    )


_MONTH = {"sqlite": "substr(e.date, 1, 7)", "postgresql": "to_char(e.date, 'YYYY-MM')"}


def entry_contents(
    fund_id: int, first_seq: int, last_seq: int | None = None, *, with_month: bool = False
) -> Iterator[tuple]:
    """(seq, entry id, canonical content, stored prev_hash, hash, mac) in posting order —
    with ``with_month`` the entry id is replaced by its month 'YYYY-MM'. Entries without a seal
    come with None hashes; seals without an entry are not returned (``verify`` counts them
    separately)."""
    second = _MONTH[connection.vendor] if with_month else "e.id"
    sql = (
        f"SELECT e.seq, {second}, {_content_sql(connection.vendor)}, s.prev_hash, s.hash, s.mac "
        "FROM ledger_journalentry e LEFT JOIN ledger_entryseal s ON s.entry_id = e.id "
        "WHERE e.fund_id = %s AND e.seq >= %s"
    )
    params: list = [fund_id, first_seq]
    if last_seq is not None:
        sql += " AND e.seq <= %s"
        params.append(last_seq)
    sql += " ORDER BY e.seq"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20000):
            yield from rows


def chain_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + content.encode("utf-8")).hexdigest()


def _seal_key() -> bytes:
    from django.conf import settings

    return hashlib.sha256(b"kongtun-seal:" + settings.SECRET_KEY.encode()).digest()


def seal_mac(digest_hex: str, key: bytes | None = None) -> str:
    return hashlib.blake2b(
        bytes.fromhex(digest_hex), key=key or _seal_key(), digest_size=16
    ).hexdigest()


def seal_entries(*, fund: Fund, first_seq: int, last_seq: int) -> None:
    """Seal freshly posted entries (called by entries_post inside its transaction, after the
    entries' numbers were reserved under the fund's counter lock, so the chain is linear)."""
    from kongtun.ledger.models import EntrySeal

    previous = (
        EntrySeal.objects.filter(fund=fund, seq__lt=first_seq)
        .order_by("-seq")
        .values_list("hash", flat=True)
        .first()
        or GENESIS
    )
    seals = []
    key = _seal_key()
    for seq, entry_id, content, _prev, _hash, _mac in entry_contents(fund.pk, first_seq, last_seq):
        digest = chain_hash(previous, content or "")
        seals.append(
            EntrySeal(
                entry_id=entry_id,
                fund=fund,
                seq=seq,
                prev_hash=previous,
                hash=digest,
                mac=seal_mac(digest, key),
            )
        )
        previous = digest
    EntrySeal.objects.bulk_create(seals, batch_size=5000)


def merkle_root(hashes: list[str]) -> str:
    """Root of a binary Merkle tree over hex leaf hashes (an odd node is paired with itself).
    The root of no leaves is the hash of nothing."""
    level = [bytes.fromhex(h) for h in hashes]
    if not level:
        return hashlib.sha256(b"").hexdigest()
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return level[0].hex()


def merkle_proof(hashes: list[str], index: int) -> list[tuple[str, str]]:
    """Sibling path for leaf ``index``: [(side, sibling_hex)], side 'L' or 'R' of the sibling."""
    level = [bytes.fromhex(h) for h in hashes]
    path = []
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        sibling = index ^ 1
        path.append(("L" if sibling < index else "R", level[sibling].hex()))
        level = [hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
        index //= 2
    return path


def merkle_verify(leaf: str, path: list[tuple[str, str]], root: str) -> bool:
    node = bytes.fromhex(leaf)
    for side, sibling in path:
        other = bytes.fromhex(sibling)
        node = hashlib.sha256(other + node if side == "L" else node + other).digest()
    return node.hex() == root


def month_leaves(fund: Fund, month_start: object, next_month: object) -> list[str]:
    from kongtun.ledger.models import EntrySeal, JournalEntry

    # Entries by the (fund, date) index, then their seals: joining from the seals would scan
    # every seal of the fund for each month (O(entries × months) when closing or verifying).
    month = JournalEntry.objects.filter(
        fund=fund, date__gte=month_start, date__lt=next_month
    ).values("pk")
    return list(
        EntrySeal.objects.filter(entry_id__in=month).order_by("seq").values_list("hash", flat=True)
    )


@dataclass(frozen=True)
class Finding:
    seq: int | None
    code: str
    detail: str


@dataclass(frozen=True)
class Verification:
    fund_id: int
    entries: int
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first_bad_seq(self) -> int | None:
        seqs = [f.seq for f in self.findings if f.seq is not None]
        return min(seqs) if seqs else None


def verify(fund: Fund, *, published_heads: dict[str, str] | None = None) -> Verification:
    """Recompute the whole chain and every closed month's root; name the first entry that
    differs. ``published_heads`` ({'YYYY-MM': merkle_root}) are roots kept outside the
    database (printed reports, the public page): a full rewrite of the books and their seals
    is caught against them."""
    from kongtun.ledger.models import EntrySeal, MonthClose

    findings: list[Finding] = []
    previous = GENESIS
    expected_seq = 1
    count = 0
    sha = hashlib.sha256
    fromhex = bytes.fromhex
    keyed = hashlib.blake2b(key=_seal_key(), digest_size=16)  # keyed once, copied per entry
    leaves_by_month: dict[str, list[str]] = {}
    for seq, label, content, prev_hash, stored, mac in entry_contents(fund.pk, 1, with_month=True):
        count += 1
        if seq != expected_seq:
            findings.append(Finding(seq, "sequence", f"expected entry {expected_seq}, found {seq}"))
        expected_seq = seq + 1
        if stored is None:
            findings.append(
                Finding(seq, "unsealed", "entry has no seal: inserted behind the application")
            )
            previous = GENESIS if previous is None else previous
            continue
        if prev_hash != previous:
            findings.append(Finding(seq, "chain", "the seal does not follow the previous entry"))
        digest = sha(fromhex(prev_hash) + (content or "").encode("utf-8"))
        if digest.hexdigest() != stored:
            findings.append(
                Finding(seq, "content", "the entry or its lines differ from when it was posted")
            )
        else:
            check = keyed.copy()
            check.update(digest.digest())
            if check.hexdigest() != mac:
                findings.append(Finding(seq, "forged", "the seal was not made by this application"))
        leaves_by_month.setdefault(label, []).append(stored)
        previous = stored
    seals = EntrySeal.objects.filter(fund=fund).count()
    if seals != count:
        orphan = (
            EntrySeal.objects.filter(fund=fund, entry__isnull=True)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        findings.append(
            Finding(orphan, "deleted", f"{seals} seals for {count} entries: entries were removed")
        )
    last_close = (
        MonthClose.objects.filter(fund=fund, head_seq__isnull=False).order_by("-month").first()
    )
    if last_close and last_close.head_seq:
        head = (
            EntrySeal.objects.filter(fund=fund, seq=last_close.head_seq)
            .values_list("hash", flat=True)
            .first()
        )
        if head != last_close.chain_head:
            findings.append(
                Finding(
                    last_close.head_seq,
                    "head",
                    "the chain head published at the last month close is gone or changed",
                )
            )
    for close in MonthClose.objects.filter(fund=fund, merkle_root__isnull=False).order_by("month"):
        label = close.month.strftime("%Y-%m")
        # The month's sealed entries, in posting order, from the scan above (no query per
        # month). An unsealed entry has no leaf, as month_leaves gives none.
        leaves = leaves_by_month.get(label, [])
        root = merkle_root(leaves)
        if root != close.merkle_root or len(leaves) != close.entry_count:
            findings.append(
                Finding(
                    None, "month_root", f"{label}: the month's entries differ from when it closed"
                )
            )
        if (
            published_heads
            and label in published_heads
            and published_heads[label] != close.merkle_root
        ):
            findings.append(
                Finding(
                    None, "published", f"{label}: the stored root differs from the published one"
                )
            )
    findings.sort(key=lambda f: (f.seq is None, f.seq or 0))
    return Verification(fund.pk, count, tuple(findings))
