"""Tamper-evident books: a SHA-256 chain over every entry in posting order, and a Merkle root
per closed month (decision 0009).

The canonical content of an entry is built by the database itself (one query, both vendors),
so sealing and verifying read exactly the bytes that are stored — a row edited, deleted,
inserted or reordered behind the application's back changes what this query returns and
breaks the chain at that entry.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import F

from kongtun.funds.models import Fund

GENESIS = "0" * 64
# Seal format of new seals (decision 0009). Version 1 (before issue 11) hashed the entry and
# each line's account, amount, member and memo. Version 2 adds each line's date and fund,
# length-prefixes the free texts, and ends with the anchor: the month close the books had
# when the entry was sealed. A seal row stores its version; version 1 rows keep verifying as
# they were sealed, and their lines' date and fund are checked against the entry's instead.
SEAL_VERSION = 2

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
_LINES2_SQLITE = (
    "(SELECT group_concat(x, ';') FROM (SELECT l.account_id || ':' || l.amount_satang || ':' "
    "|| IFNULL(l.member_id, '') || ':' || l.fund_id || ':' || l.date || ':' "
    "|| length(l.memo) || ':' || l.memo AS x FROM ledger_journalline l "
    "WHERE l.entry_id = e.id ORDER BY l.id))"
)
_LINES2_POSTGRES = (
    "(SELECT string_agg(l.account_id || ':' || l.amount_satang || ':' || "
    "COALESCE(l.member_id::text, '') || ':' || l.fund_id || ':' || "
    "to_char(l.date, 'YYYY-MM-DD') || ':' || length(l.memo) || ':' || l.memo, ';' "
    "ORDER BY l.id) FROM ledger_journalline l WHERE l.entry_id = e.id)"
)
_DATE = {"sqlite": "e.date", "postgresql": "to_char(e.date, 'YYYY-MM-DD')"}
_NULL = {"sqlite": "IFNULL", "postgresql": "COALESCE"}


def _content_sql(vendor: str) -> str:
    """Version 1: what seals made before issue 11 hashed (kept byte for byte)."""
    lines = _LINES_SQLITE if vendor == "sqlite" else _LINES_POSTGRES
    null = _NULL[vendor]
    cast = "" if vendor == "sqlite" else "::text"
    return (
        f"e.fund_id || '|' || e.seq || '|' || {_DATE[vendor]} || '|' || e.description || '|' || "
        f"e.source_type || '|' || e.source_ref || '|' || {null}(e.agency_id{cast}, '') || '|' || "
        f"{null}(e.reverses_id{cast}, '') || '|' || {null}({lines}, '')"
    )


def _content2_sql(vendor: str) -> str:
    """Version 2: everything a balance or a report is computed from, free texts
    length-prefixed (so no text can shift a field boundary), then the anchor."""
    lines = _LINES2_SQLITE if vendor == "sqlite" else _LINES2_POSTGRES
    null = _NULL[vendor]
    cast = "" if vendor == "sqlite" else "::text"
    return (
        f"'2|' || e.fund_id || '|' || e.seq || '|' || {_DATE[vendor]} || '|' || "
        "length(e.description) || ':' || e.description || '|' || e.source_type || '|' || "
        "length(e.source_ref) || ':' || e.source_ref || '|' || "
        f"{null}(e.agency_id{cast}, '') || '|' || {null}(e.reverses_id{cast}, '') || '|' || "
        f"{null}({lines}, '') || '|' || {null}(s.anchor, %s)"
    )


_MONTH = {"sqlite": "substr(e.date, 1, 7)", "postgresql": "to_char(e.date, 'YYYY-MM')"}


def entry_contents(
    fund_id: int,
    first_seq: int,
    last_seq: int | None = None,
    *,
    with_month: bool = False,
    anchor: str = "",
) -> Iterator[tuple]:
    """(seq, entry id, bytes to hash as text, stored prev_hash, hash, mac, version, anchor)
    in posting order — with ``with_month`` the entry id is replaced by its month 'YYYY-MM'.
    The text is built by the database in the format of the entry's seal (version 2 for an
    entry not sealed yet, with ``anchor``). Entries without a seal come with None hashes;
    seals without an entry are not returned (``verify`` counts them separately)."""
    vendor = connection.vendor
    second = _MONTH[vendor] if with_month else "e.id"
    sql = (
        f"SELECT e.seq, {second}, CASE WHEN s.version = 1 THEN {_content_sql(vendor)} "
        f"ELSE {_content2_sql(vendor)} END, s.prev_hash, s.hash, s.mac, s.version, s.anchor "
        "FROM ledger_journalentry e LEFT JOIN ledger_entryseal s ON s.entry_id = e.id "
        "WHERE e.fund_id = %s AND e.seq >= %s"
    )
    params: list = [anchor, fund_id, first_seq]
    if last_seq is not None:
        sql += " AND e.seq <= %s"
        params.append(last_seq)
    sql += " ORDER BY e.seq"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20000):
            yield from rows


def entry_contents_v1(fund_id: int, first_seq: int) -> Iterator[tuple]:
    """(seq, entry id, version-1 content): for migration 0003, which sealed the books that
    existed then, before seals had a version."""
    sql = (
        f"SELECT e.seq, e.id, {_content_sql(connection.vendor)} FROM ledger_journalentry e "
        "WHERE e.fund_id = %s AND e.seq >= %s ORDER BY e.seq"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [fund_id, first_seq])
        yield from cursor.fetchall()


def chain_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + content.encode("utf-8")).hexdigest()


def _seal_key() -> bytes:
    from django.conf import settings

    return hashlib.sha256(b"kongtun-seal:" + settings.SECRET_KEY.encode()).digest()


def seal_mac(digest_hex: str, key: bytes | None = None) -> str:
    return hashlib.blake2b(
        bytes.fromhex(digest_hex), key=key or _seal_key(), digest_size=16
    ).hexdigest()


def anchor_of(month: object, root: str | None) -> str:
    """How an entry's seal names the month close the books had when it was sealed."""
    return f"{month:%Y-%m}:{root or ''}"


def closed_through(fund: Fund) -> dt.date | None:
    """The last month the books show as closed: the latest month-close row, or — if that row
    is gone — the latest close the newest seal cites (its anchor). Months close in order, so
    every month up to this one is closed."""
    from kongtun.ledger.models import EntrySeal, MonthClose

    last = MonthClose.objects.filter(fund=fund).order_by("-month").values_list("month", flat=True)
    months = [m for m in [last.first()] if m]
    anchor = (
        EntrySeal.objects.filter(fund=fund).order_by("-seq").values_list("anchor", flat=True)
    ).first()
    if anchor:
        with contextlib.suppress(ValueError):
            months.append(dt.date.fromisoformat(anchor[:7] + "-01"))
    return max(months) if months else None


def seal_entries(*, fund: Fund, first_seq: int, last_seq: int) -> None:
    """Seal freshly posted entries (called by entries_post inside its transaction, after the
    entries' numbers were reserved under the fund's counter lock, so the chain is linear).
    Each seal cites the latest month close (its anchor): deleting that close afterwards
    leaves entries citing a close that is gone. An entry dated in a month the books show as
    closed is refused here, under the lock, whatever was checked before."""
    from kongtun.ledger.models import EntrySeal, JournalEntry, MonthClose

    last = (
        EntrySeal.objects.filter(fund=fund, seq__lt=first_seq)
        .order_by("-seq")
        .values_list("hash", "anchor")
        .first()
    )
    previous, last_anchor = last if last else (GENESIS, "")
    close = MonthClose.objects.filter(fund=fund).order_by("-month").first()
    anchor = anchor_of(close.month, close.merkle_root) if close else ""
    if last_anchor[:7] > anchor[:7]:
        anchor = last_anchor  # the cited close is gone: keep citing it, verify names it
    if anchor:
        closed = dt.date.fromisoformat(anchor[:7] + "-01")
        late = (
            JournalEntry.objects.filter(
                fund=fund, seq__gte=first_seq, seq__lte=last_seq, date__lt=_month_after(closed)
            )
            .order_by("seq")
            .values_list("date", flat=True)
            .first()
        )
        if late is not None:
            from django.core.exceptions import ValidationError
            from django.utils.translation import get_language
            from django.utils.translation import gettext as _

            from kongtun.core.thaidates import format_month

            raise ValidationError(
                {
                    "lines": _("%(month)s is closed; post the correction into an open month.")
                    % {"month": format_month(late, get_language() or "th")}
                }
            )
    seals = []
    key = _seal_key()
    for seq, entry_id, content, *_rest in entry_contents(
        fund.pk, first_seq, last_seq, anchor=anchor
    ):
        digest = chain_hash(previous, content or "")
        seals.append(
            EntrySeal(
                entry_id=entry_id,
                fund=fund,
                seq=seq,
                prev_hash=previous,
                hash=digest,
                mac=seal_mac(digest, key),
                version=SEAL_VERSION,
                anchor=anchor,
            )
        )
        previous = digest
    EntrySeal.objects.bulk_create(seals, batch_size=5000)


def _month_after(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


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
    reread: int = 0  # entries whose content was read and hashed in this run
    since: object = None  # the VerifiedCheckpoint this run started from, or None (full)
    head_seq: int = 0
    head_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first_bad_seq(self) -> int | None:
        seqs = [f.seq for f in self.findings if f.seq is not None]
        return min(seqs) if seqs else None

    @property
    def first(self) -> Finding | None:
        """The first bad item: the lowest entry number, else the first month finding."""
        return self.findings[0] if self.findings else None


def closes_digest(closes: Sequence[tuple]) -> str:
    """One hash over month-close rows (month, count, root, head seq, chain head), in month
    order: what a checkpoint remembers of the closes it saw."""
    text = ";".join(f"{m:%Y-%m}|{n}|{r}|{hs}|{ch}" for m, n, r, hs, ch in closes)
    return hashlib.sha256(text.encode()).hexdigest()


def checkpoint_mac(fund_id: int, seq: int, digest: str, closes: int, closes_hash: str) -> str:
    text = f"checkpoint|{fund_id}|{seq}|{digest}|{closes}|{closes_hash}"
    return hashlib.blake2b(text.encode(), key=_seal_key(), digest_size=16).hexdigest()


def checkpoint_latest(fund: Fund) -> object:
    """The newest checkpoint of a verification that found nothing, if its keyed seal holds
    (a checkpoint written by anyone but this application is ignored: the check is full)."""
    from kongtun.ledger.models import VerifiedCheckpoint

    cp = VerifiedCheckpoint.objects.filter(fund=fund).order_by("-seq", "-pk").first()
    if cp is None or cp.mac != checkpoint_mac(fund.pk, cp.seq, cp.hash, cp.closes, cp.closes_hash):
        return None
    return cp


def checkpoint_record(fund: Fund, result: Verification) -> object:
    """Remember a clean verification: the next run may start after its head."""
    from kongtun.ledger.models import MonthClose, VerifiedCheckpoint

    if not result.ok or not result.head_seq:
        return None
    closes = list(_close_rows(MonthClose.objects.filter(fund=fund)))
    digest = closes_digest(closes)
    return VerifiedCheckpoint.objects.create(
        fund=fund,
        seq=result.head_seq,
        hash=result.head_hash,
        closes=len(closes),
        closes_hash=digest,
        full=result.since is None,
        mac=checkpoint_mac(fund.pk, result.head_seq, result.head_hash, len(closes), digest),
    )


def _close_rows(queryset: object) -> list[tuple]:
    return list(
        queryset.order_by("month").values_list(
            "month", "entry_count", "merkle_root", "head_seq", "chain_head"
        )
    )


def verify(
    fund: Fund,
    *,
    published_heads: object = None,
    receipts: Sequence[tuple[int | None, str]] | None = None,
    since: object = None,
) -> Verification:
    """Recompute the chain and every closed month's root; name the first entry that differs.

    ``published_heads``: heads kept outside the database — heads.json documents (see
    ``ledger.heads``) or the older {'YYYY-MM': merkle_root}: a truncation, a rollback or a
    removed month close is caught against them. ``receipts``: (entry number or None, code)
    as printed on receipts. ``since``: a ``VerifiedCheckpoint`` — entries up to it are not
    read again (decision 0013); its entry's hash and the month closes it saw must still be
    there. Without it, every entry is read (the full check)."""
    from kongtun.core.models import Counter
    from kongtun.ledger.models import EntrySeal, JournalEntry, JournalLine, MonthClose

    findings: list[Finding] = []
    closes = _close_rows(MonthClose.objects.filter(fund=fund))
    anchors = {anchor_of(m, r) for m, _n, r, _hs, _ch in closes}
    previous, start, last_anchor = GENESIS, 1, ""
    if since is not None:
        at = (
            EntrySeal.objects.filter(fund=fund, seq=since.seq).values_list("hash", "anchor").first()
        )
        if at is None or at[0] != since.hash:
            findings.append(
                Finding(
                    since.seq,
                    "checkpoint",
                    f"entry {since.seq} differs from when the books were verified on "
                    f"{since.verified_at:%Y-%m-%d}; the full check follows",
                )
            )
            since = None
        elif closes_digest(closes[: since.closes]) != since.closes_hash:
            findings.append(
                Finding(
                    None,
                    "checkpoint_closes",
                    f"a month close verified on {since.verified_at:%Y-%m-%d} was changed or "
                    "removed; the full check follows",
                )
            )
            since = None
        else:
            previous, start, last_anchor = since.hash, since.seq + 1, at[1]
    expected_seq = start
    count = start - 1
    reread = 0
    last_seq = start - 1
    sha = hashlib.sha256
    fromhex = bytes.fromhex
    keyed = hashlib.blake2b(key=_seal_key(), digest_size=16)  # keyed once, copied per entry
    leaves_by_month: dict[str, list[str]] = {}
    legacy = False
    for seq, label, content, prev_hash, stored, mac, version, anchor in entry_contents(
        fund.pk, start, with_month=True
    ):
        count += 1
        reread += 1
        last_seq = seq
        if seq != expected_seq:
            findings.append(Finding(seq, "sequence", f"expected entry {expected_seq}, found {seq}"))
        expected_seq = seq + 1
        if stored is None:
            findings.append(
                Finding(seq, "unsealed", "entry has no seal: inserted behind the application")
            )
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
        if version == 1:
            legacy = True
        elif anchor != last_anchor:
            if anchor[:7] < last_anchor[:7]:
                findings.append(
                    Finding(
                        seq,
                        "anchor",
                        f"cites the close of {anchor[:7] or 'no month'} "
                        f"after entries that cite {last_anchor[:7]}",
                    )
                )
            if anchor and anchor not in anchors:
                findings.append(
                    Finding(
                        seq,
                        "close_missing",
                        f"posted after {anchor[:7]} closed, but that month's close is "
                        "missing or changed",
                    )
                )
            last_anchor = anchor
        if anchor and version != 1 and label <= anchor[:7]:
            findings.append(
                Finding(seq, "closed_month", f"dated {label}, posted after {anchor[:7]} closed")
            )
        leaves_by_month.setdefault(label, []).append(stored)
        previous = stored
    if since is not None:
        entries_now = JournalEntry.objects.filter(fund=fund).count()
        seals = EntrySeal.objects.filter(fund=fund).count()
        sealed_entries = entries_now
    else:
        seals = EntrySeal.objects.filter(fund=fund).count()
        sealed_entries = count
    if seals != sealed_entries:
        orphan = (
            EntrySeal.objects.filter(fund=fund, entry__isnull=True)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        findings.append(
            Finding(
                orphan,
                "deleted",
                f"{seals} seals for {sealed_entries} entries: entries were removed",
            )
        )
    numbered = (
        Counter.objects.filter(fund_id=fund.pk, key="journal").values_list("value", flat=True)
    ).first() or 0
    if numbered > last_seq:
        findings.append(
            Finding(
                last_seq + 1,
                "truncated",
                f"entries {last_seq + 1}–{numbered} were numbered but are gone: the newest "
                "entries were removed",
            )
        )
    last_close = next((c for c in reversed(closes) if c[3]), None)
    if last_close:
        head = (
            EntrySeal.objects.filter(fund=fund, seq=last_close[3])
            .values_list("hash", flat=True)
            .first()
        )
        if head != last_close[4]:
            findings.append(
                Finding(
                    last_close[3],
                    "head",
                    "the chain head published at the last month close is gone or changed",
                )
            )
    founded = fund.founded_on.replace(day=1)
    if closes and closes[0][0] > founded:
        # Months close in order from the fund's first month (month_close).
        findings.append(
            Finding(None, "close_gap", f"{founded:%Y-%m} has no close but {closes[0][0]:%Y-%m} has")
        )
    for before, after in itertools.pairwise(closes):
        if _month_after(before[0]) != after[0]:
            findings.append(
                Finding(
                    None,
                    "close_gap",
                    f"{_month_after(before[0]):%Y-%m} has no close but {after[0]:%Y-%m} has",
                )
            )
    for month, entry_count, root_stored, head_seq, _ch in closes:
        if root_stored is None:
            continue
        label = month.strftime("%Y-%m")
        if since is not None and (head_seq or 0) <= since.seq:
            continue  # every entry of the month is before the checkpoint, which saw this close
        if since is None:
            # The month's sealed entries, in posting order, from the scan above (no query per
            # month). An unsealed entry has no leaf, as month_leaves gives none.
            leaves = leaves_by_month.get(label, [])
        else:
            leaves = month_leaves(fund, month, _month_after(month))
        if merkle_root(leaves) != root_stored or len(leaves) != entry_count:
            findings.append(
                Finding(
                    None, "month_root", f"{label}: the month's entries differ from when it closed"
                )
            )
    if legacy:
        # Seals of version 1 did not hash a line's date and fund: prove them equal to the
        # entry's (which is sealed).
        odd = (
            JournalLine.objects.filter(entry__fund=fund, entry__seq__gte=start)
            .filter(entry__seal__version=1)
            .exclude(date=F("entry__date"), fund=F("entry__fund"))
            .order_by("entry__seq")
            .values_list("entry__seq", flat=True)
            .first()
        )
        if odd is not None:
            findings.append(Finding(odd, "line", "a line's date or fund differs from its entry's"))
    if published_heads or receipts:
        from kongtun.ledger.heads import heads_findings, receipt_findings

        if published_heads:
            findings.extend(heads_findings(fund, published_heads, closes=closes))
        if receipts:
            findings.extend(receipt_findings(fund, receipts))
    findings.sort(key=lambda f: (f.seq is None, f.seq or 0))
    head_hash = previous if last_seq else GENESIS
    return Verification(
        fund.pk,
        count,
        tuple(findings),
        reread=reread,
        since=since,
        head_seq=last_seq,
        head_hash=head_hash,
    )
