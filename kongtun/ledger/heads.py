"""The heads of a fund's books as published (decision 0009): the current chain head and every
closed month's root, as a JSON document anyone can keep (``/p/<code>/heads.json``), and the
checks that compare the database with copies kept outside — heads documents and receipts.

A copy kept outside is what catches what no check inside the database can: the newest
entries removed together with their seals, the last month close removed before anything was
posted after it, an older copy of the database put back (a rollback). ``verify`` calls
``heads_findings`` and ``receipt_findings``; ``manage.py restore`` may call them too.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.utils import timezone

from kongtun.funds.models import Fund
from kongtun.ledger.seal import Finding

FORMAT = "kongtun-heads/1"


def heads_etag(fund: Fund) -> str:
    """Changes whenever the heads do (a new entry, a new close): two indexed lookups."""
    from kongtun.ledger.models import EntrySeal, MonthClose

    head = EntrySeal.objects.filter(fund=fund).order_by("-seq").values_list("seq", "hash").first()
    close = MonthClose.objects.filter(fund=fund).order_by("-month").values_list("pk", "month")
    last = close.first()
    seq, digest = head if head else (0, "")
    return f"{fund.pk}-{seq}-{digest[:16]}-{last[0] if last else 0}"


def fund_heads(fund: Fund, *, now: dt.datetime | None = None) -> dict:
    """The heads document: no name, no amount, only counts, hashes and times."""
    from kongtun.ledger.models import EntrySeal, MonthClose

    head = (
        EntrySeal.objects.filter(fund=fund)
        .order_by("-seq")
        .values_list("seq", "hash", "entry__created_at", "anchor")
        .first()
    )
    entries = EntrySeal.objects.filter(fund=fund).count()
    months = [
        {
            "month": f"{c.month:%Y-%m}",
            "entries": c.entry_count,
            "root": c.merkle_root,
            "head_seq": c.head_seq,
            "chain_head": c.chain_head,
            "closed_at": c.closed_at.isoformat() if c.closed_at else None,
        }
        for c in MonthClose.objects.filter(fund=fund).order_by("month")
    ]
    return {
        "format": FORMAT,
        "fund": fund.short_code,
        "generated_at": (now or timezone.now()).isoformat(),
        "head": {
            "entries": entries,
            "seq": head[0] if head else 0,
            "hash": head[1] if head else None,
            "at": head[2].isoformat() if head and head[2] else None,
            "closed_through": months[-1]["month"] if months else None,
        },
        "months": months,
    }


def normalize(published: object) -> list[dict]:
    """Heads documents from what people keep: a heads.json document, a list of them, or the
    older {'YYYY-MM': root} of month roots copied from the public page."""
    if isinstance(published, dict) and "months" not in published and "head" not in published:
        return [
            {"months": [{"month": k, "root": v} for k, v in published.items()]}
        ]  # {'YYYY-MM': root}
    if isinstance(published, dict):
        return [published]
    docs: list[dict] = []
    for item in published or []:
        docs.extend(normalize(item))
    return docs


class HeadsFileError(ValueError):
    """A heads or receipts file that cannot be read; the message names it."""


def read_heads_files(paths: Iterable[str]) -> list[dict]:
    docs = []
    for path in paths:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise HeadsFileError(f"{path}: not a heads file ({exc})") from None
        if not isinstance(data, dict | list):
            raise HeadsFileError(f"{path}: not a heads file")
        docs.extend(normalize(data))
    return docs


def heads_findings(fund: Fund, published: object, *, closes: Sequence[tuple]) -> list[Finding]:
    """Every published month and head that the database lacks or is behind on. ``closes``:
    the fund's (month, count, root, head seq, chain head) in month order."""
    from kongtun.ledger.models import EntrySeal

    findings: list[Finding] = []
    by_month = {f"{m:%Y-%m}": (n, r, hs, ch) for m, n, r, hs, ch in closes}
    last = EntrySeal.objects.filter(fund=fund).order_by("-seq").values_list("seq", flat=True)
    last_seq = last.first() or 0
    entries = EntrySeal.objects.filter(fund=fund).count()
    seen: set[tuple] = set()
    for doc in normalize(published):
        if doc.get("fund") and str(doc["fund"]).upper() != fund.short_code:
            continue
        when = doc.get("generated_at") or "an earlier copy"
        for month in doc.get("months") or []:
            label, root = str(month.get("month", "")), month.get("root")
            if (label, root) in seen:
                continue
            seen.add((label, root))
            if label not in by_month:
                findings.append(
                    Finding(
                        None,
                        "published_month",
                        f"{label}: published as closed ({when}) but the database has no close "
                        "for it: the close was removed or an older copy was restored",
                    )
                )
                continue
            count, stored_root, *_ = by_month[label]
            if root and root != stored_root:
                findings.append(
                    Finding(
                        None,
                        "published",
                        f"{label}: the stored root differs from the published one",
                    )
                )
            published_count = month.get("entries")
            if published_count is not None and count is not None and count < published_count:
                findings.append(
                    Finding(
                        None,
                        "published",
                        f"{label}: {count} entries in the database, {published_count} published",
                    )
                )
        head = doc.get("head") or {}
        seq, digest = int(head.get("seq") or 0), head.get("hash")
        published_entries = int(head.get("entries") or 0)
        if (seq, digest) in seen:
            continue
        seen.add((seq, digest))
        if seq > last_seq or published_entries > entries:
            first_missing = min(x for x in (last_seq + 1, entries + 1) if x > 0)
            findings.append(
                Finding(
                    first_missing,
                    "behind",
                    f"the database ends at entry {last_seq} ({entries} entries) but a head "
                    f"published {when} has entry {seq} ({published_entries} entries): the "
                    "newest entries were removed or an older copy was restored (rollback)",
                )
            )
        elif seq and digest:
            stored = (
                EntrySeal.objects.filter(fund=fund, seq=seq).values_list("hash", flat=True).first()
            )
            if stored != digest:
                findings.append(
                    Finding(
                        seq,
                        "published_head",
                        f"entry {seq} is not the head published {when}: the books were "
                        "rewritten from there",
                    )
                )
    return findings


# --- receipts -----------------------------------------------------------------------------

_CODE = re.compile(r"[A-Z2-7]{10}")
_RECEIPT_LINE = re.compile(r"^\s*(?:#?(\d+)\s*[:\s\-/]\s*)?([A-Za-z2-7]{10})\s*$")


def parse_receipts(text: str) -> tuple[list[tuple[int | None, str]], list[int]]:
    """Receipt lines as members hand them in: ``12 ABCDEFGHIJ`` / ``12:ABCDEFGHIJ`` (entry
    number, then the verification code, as printed side by side), the code alone, or the
    address the QR code holds (``…/verify/?code=ABCDEFGHIJ&n=12``). Blank lines and lines
    starting with ``#`` followed by a space are skipped. Returns the items and the numbers of
    lines not understood."""
    items: list[tuple[int | None, str]] = []
    bad: list[int] = []
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("# "):
            continue
        if "code=" in stripped:
            code = re.search(r"code=([A-Za-z2-7]{10})", stripped)
            number = re.search(r"[?&]n=(\d+)", stripped)
            if code:
                items.append((int(number[1]) if number else None, code[1].upper()))
                continue
        m = _RECEIPT_LINE.match(stripped)
        if m:
            items.append((int(m[1]) if m[1] else None, m[2].upper()))
        else:
            bad.append(n)
    return items, bad


def code_of(digest: str) -> str:
    return base64.b32encode(bytes.fromhex(digest))[:10].decode()


def receipt_findings(fund: Fund, receipts: Sequence[tuple[int | None, str]]) -> list[Finding]:
    """Each receipt's code must be the code of the entry at its number (or, given alone, of
    some entry of the fund)."""
    from kongtun.ledger.models import EntrySeal

    findings: list[Finding] = []
    last_seq = (
        EntrySeal.objects.filter(fund=fund).order_by("-seq").values_list("seq", flat=True).first()
        or 0
    )
    for seq, code in receipts:
        if seq is not None:
            digest = (
                EntrySeal.objects.filter(fund=fund, seq=seq).values_list("hash", flat=True).first()
            )
            if digest is None:
                findings.append(
                    Finding(
                        seq,
                        "receipt",
                        f"receipt {seq}:{code}: entry {seq} is not in the database (it ends at "
                        f"entry {last_seq})",
                    )
                )
            elif code_of(digest) != code:
                findings.append(
                    Finding(
                        seq,
                        "receipt",
                        f"receipt {seq}:{code}: entry {seq} has another code ({code_of(digest)})",
                    )
                )
            continue
        try:
            prefix = base64.b32decode(code[:8]).hex()
        except ValueError:
            prefix = None
        found = prefix and any(
            code_of(d) == code
            for d in EntrySeal.objects.filter(fund=fund, hash__startswith=prefix).values_list(
                "hash", flat=True
            )
        )
        if not found:
            findings.append(
                Finding(None, "receipt", f"receipt {code}: no entry of the fund has this code")
            )
    return findings
