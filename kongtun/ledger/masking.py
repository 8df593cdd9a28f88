"""The books without people, for a viewer who may not see members (issue 12; decision 0002).

A role without ``Cap.VIEW_PERSONS`` (the network coordinator) follows a fund's money, not its
people. Yet the books name people everywhere: the descriptions Kongtun writes ("Receipt …:
contribution of 05-0102 นาง…", "Payment voucher …: นอนโรงพยาบาล for … นาง…"), the ones typed by
hand (journal vouchers, reversal reasons, notes on money from an agency), the documents typed
by hand, line memos and the member on each line. A benefit paid to a named member is health
data.

This module is the one place that turns an entry into what such a viewer may read: the entry's
kind (its source), the benefit category of a claim payment (the name of the benefit's expense
account, never the claim or the member), the original's number for a reversal, the agency for
money from an agency, and the document number only when Kongtun drew it (a receipt or voucher
number, an import batch). Hand-typed text is never shown, whatever it says. Lines lose their
member and memo.

Mask in the selector or the view that loads the rows, before any template sees them
(``hides_persons(access)`` decides): the instances are changed in memory only — the books are
append-only in the database, so a masked instance can never be written back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.db.models.query import ModelIterable, QuerySet
from django.utils.translation import gettext as _

from kongtun.ledger.models import Account, JournalEntry, JournalLine, SourceType

if TYPE_CHECKING:
    from kongtun.funds.access import FundAccess

#: Document numbers Kongtun draws itself: receipts and vouchers ("2569/00012"), import batches.
#: Anything else in ``source_ref`` was typed by someone and may name a person.
DRAWN_REF = re.compile(r"^(?:\d{4}/\d{3,6}|import:\d+)$")
#: The same rule for the database (SQLite's and PostgreSQL's regular expressions alike).
DRAWN_REF_SQL = r"^([0-9]{4}/[0-9]{3,6}|import:[0-9]+)$"

_CHUNK = 500


def hides_persons(access: FundAccess) -> bool:
    """True for a viewer of the fund who may not see its members' persons."""
    from kongtun.funds.access import Cap

    return not access.can(Cap.VIEW_PERSONS)


def drawn_ref(ref: str) -> str:
    """The document number if Kongtun drew it, else ''."""
    return ref if DRAWN_REF.match(ref or "") else ""


def _describe(entry: JournalEntry, benefit: Account | None, original_seq: int | None) -> str:
    ref = drawn_ref(entry.source_ref)
    kind = entry.source_type
    if kind == SourceType.RECEIPT:
        return _("Receipt %(ref)s: member's contribution") % {"ref": ref or "—"}
    if kind == SourceType.CLAIM:
        label = benefit.display_name if benefit is not None else _("benefit")
        return _("Payment voucher %(ref)s: benefit paid (%(benefit)s)") % {
            "ref": ref or "—",
            "benefit": label,
        }
    if kind == SourceType.REVERSAL:
        if original_seq is None:
            return _("Reversal")
        return _("Reversal of entry %(seq)s") % {"seq": original_seq}
    if kind == SourceType.GRANT:
        agency = getattr(entry, "agency", None) if entry.agency_id else None
        if agency is None:
            return str(SourceType.GRANT.label)
        return _("Money from an agency: %(agency)s") % {"agency": agency.name}
    if kind == SourceType.IMPORT:
        return _("Imported contributions (%(ref)s)") % {"ref": ref or "—"}
    if kind == SourceType.OPENING:
        return str(SourceType.OPENING.label)
    if kind == SourceType.VOUCHER:
        return _("Payment voucher %(ref)s") % {"ref": ref or "—"}
    return _("Journal voucher %(seq)s") % {"seq": entry.seq}


def mask_entries(entries: Iterable[JournalEntry]) -> list[JournalEntry]:
    """Describe each entry by what it is, never by who: its text and a hand-typed document
    are replaced (in memory). Three queries for any number of entries."""
    entries = list(entries)
    ids = list({e.pk for e in entries if not getattr(e, "persons_masked", False)})
    benefit_of: dict[int, int] = {}
    originals: dict[int, int] = {}
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        benefit_of.update(
            JournalLine.objects.filter(entry_id__in=chunk, account__role__startswith="benefit:")
            .order_by("id")
            .values_list("entry_id", "account_id")
        )
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    if reversed_ids:
        originals = dict(JournalEntry.objects.filter(pk__in=reversed_ids).values_list("pk", "seq"))
    accounts = Account.objects.in_bulk(set(benefit_of.values()))
    for e in entries:
        if getattr(e, "persons_masked", False):
            continue
        e.description = _describe(
            e, accounts.get(benefit_of.get(e.pk, 0)), originals.get(e.reverses_id or 0)
        )
        e.source_ref = drawn_ref(e.source_ref)
        e.persons_masked = True
    return entries


def mask_lines(lines: Iterable[JournalLine]) -> list[JournalLine]:
    """Lines without their member or memo; their entries (when loaded) masked too."""
    lines = list(lines)
    loaded = []
    for line in lines:
        line.memo = ""
        line.member = None
        if JournalLine.entry.is_cached(line):
            loaded.append(line.entry)
    mask_entries(loaded)
    return lines


class _MaskedEntryIterable(ModelIterable):
    def __iter__(self) -> Iterator[JournalEntry]:
        yield from mask_entries(super().__iter__())


def masked_queryset(qs: QuerySet[JournalEntry]) -> QuerySet[JournalEntry]:
    """The same entries, each masked as it is read (slices, pages and chained filters too)."""
    qs = qs.all()
    qs._iterable_class = _MaskedEntryIterable
    return qs


def mask_receipts(receipts: Iterable[Any]) -> list[Any]:
    """Receipts (``contributions.Receipt``) without their payer: number, date and amount only."""
    receipts = list(receipts)
    for r in receipts:
        r.payer_name = "—"
        r.void_reason = ""
        r.persons_masked = True
    return receipts
