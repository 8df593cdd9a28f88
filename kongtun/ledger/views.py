"""The books pages: the journal, entries and their reversal, journal vouchers, the reports
(trial balance, balance sheet, income and expenditure, cash book), the chart of accounts and
the month close. Reading needs ``view_books``; posting needs ``record_money``; the chart of
accounts is edited with ``manage_fund``. Every figure comes from the journal lines."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from kongtun.core.concurrency import as_pk, as_pks, submit_once
from kongtun.core.forms import apply_service_errors
from kongtun.core.pagination import paginate, query_without_page, running_page
from kongtun.core.spreadsheet import csv_download
from kongtun.core.thaidates import current_lang, format_date
from kongtun.funds.access import Cap, FundAccess, fund_view
from kongtun.ledger import selectors
from kongtun.ledger.book_services import account_create, account_update, months_close_through
from kongtun.ledger.forms import (
    VOUCHER_MAX_ROWS,
    VOUCHER_ROWS,
    AccountEditForm,
    AccountForm,
    AsOfForm,
    CashBookForm,
    JournalFilterForm,
    MonthCloseForm,
    PeriodForm,
    ReverseForm,
    VoucherForm,
    voucher_line_formset,
)
from kongtun.ledger.masking import hides_persons, mask_entries, mask_lines
from kongtun.ledger.models import Account, JournalEntry, MonthClose, SourceType
from kongtun.ledger.reports import (
    account_balances,
    account_has_lines,
    account_ledger,
    closable_months,
    entry_total,
    fiscal_year_be,
    fiscal_year_bounds,
    journal_search,
    month_first,
    month_last,
    month_rows,
    next_open_month,
)
from kongtun.ledger.services import EntryDraft, entry_post, entry_reverse

PAGE_SIZE = 50


def _entry_or_404(access: FundAccess, entry_id: int) -> JournalEntry:
    try:
        return JournalEntry.objects.select_related("agency", "created_by", "reverses").get(
            pk=entry_id, fund=access.fund
        )
    except JournalEntry.DoesNotExist:
        raise Http404 from None


def _account_or_404(access: FundAccess, account_id: int) -> Account:
    try:
        return Account.objects.get(pk=account_id, fund=access.fund)
    except Account.DoesNotExist:
        raise Http404 from None


def _period(
    request: HttpRequest, default: tuple[dt.date, dt.date]
) -> tuple[PeriodForm, dt.date, dt.date]:
    form = PeriodForm(request.GET or None)
    start, end = default
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    if not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": end})
    return form, start, end


# --- overview ------------------------------------------------------------------------------


@fund_view(Cap.VIEW_BOOKS)
def books_home(request: HttpRequest, access: FundAccess) -> HttpResponse:
    fund = access.fund
    today = timezone.localdate()
    fy_start, fy_end = fiscal_year_bounds(fund, today)
    balances = {row["account"].role: row for row in account_balances(fund=fund)}
    ie = selectors.income_expenditure(fund=fund, start=fy_start, end=fy_end)
    last_closed = MonthClose.objects.filter(fund=fund).order_by("-month").first()
    recent = journal_search(fund=fund, hide_persons=hides_persons(access))[:8]
    return render(
        request,
        "ledger/home.html",
        {
            "cash": balances.get("cash"),
            "bank": balances.get("bank"),
            "ie": ie,
            "fy_start": fy_start,
            "fy_end": fy_end,
            "fy_be": fiscal_year_be(fund, today),
            "last_closed": last_closed,
            "recent": recent,
            "today": today,
        },
    )


# --- the journal ---------------------------------------------------------------------------


@fund_view(Cap.VIEW_BOOKS)
def journal(request: HttpRequest, access: FundAccess) -> HttpResponse:
    form = JournalFilterForm(request.GET or None, fund=access.fund)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = journal_search(
        fund=access.fund,
        start=filters.get("start"),
        end=filters.get("end"),
        source=filters.get("source", ""),
        account=filters.get("account"),
        q=filters.get("q", ""),
        hide_persons=hides_persons(access),
    )
    page = paginate(request, qs, PAGE_SIZE)
    return render(
        request,
        "ledger/journal.html",
        {"form": form, "page": page, "query": query_without_page(request)},
    )


def _document(entry: JournalEntry) -> tuple[str, object] | tuple[None, None]:
    """The paper behind an entry, when another part of Kongtun made it."""
    for attr in ("receipt", "voided_receipt", "matching_receipt", "payout", "voided_payout"):
        try:
            return attr, getattr(entry, attr)
        except (ObjectDoesNotExist, AttributeError):
            continue
    return None, None


@fund_view(Cap.VIEW_BOOKS)
def entry_detail(request: HttpRequest, access: FundAccess, entry_id: int) -> HttpResponse:
    entry = _entry_or_404(access, entry_id)
    return _entry_page(request, access, entry, ReverseForm(initial={"date": timezone.localdate()}))


def _entry_page(
    request: HttpRequest, access: FundAccess, entry: JournalEntry, reverse_form: ReverseForm
) -> HttpResponse:
    lines = list(entry.lines.select_related("account", "member").order_by("id"))
    reversed_by = JournalEntry.objects.filter(reverses=entry).first()
    doc_kind, document = _document(entry)
    if hides_persons(access):
        # The entry says what it is, not who: no member, memo, hand-typed text, nor the
        # receipt or voucher (they name their person).
        mask_entries([entry])
        mask_lines(lines)
        document = None
    reversible = (
        access.can(Cap.RECORD_MONEY)
        and entry.reverses_id is None
        and reversed_by is None
        and doc_kind not in ("receipt", "payout")
    )
    return render(
        request,
        "ledger/entry.html",
        {
            "entry": entry,
            "lines": lines,
            "total": entry_total(entry),
            "reversed_by": reversed_by,
            "doc_kind": doc_kind,
            "document": document,
            "reverse_form": reverse_form if reversible else None,
        },
        status=400 if reverse_form.errors else 200,
    )


@fund_view(Cap.RECORD_MONEY)
@require_POST
def entry_reverse_view(request: HttpRequest, access: FundAccess, entry_id: int) -> HttpResponse:
    entry = _entry_or_404(access, entry_id)
    kind = _document(entry)[0]
    if kind == "receipt":
        # Voiding the receipt posts the reversal and frees the months it paid.
        messages.error(request, _("This entry is a receipt's: void the receipt instead."))
        return redirect("ledger_entry", fund_id=access.fund.pk, entry_id=entry.pk)
    if kind == "payout":
        # Cancelling the payment posts the reversal and makes the claim payable again.
        messages.error(
            request, _("This entry is a claim payment's: cancel the payment on the claim instead.")
        )
        return redirect("ledger_entry", fund_id=access.fund.pk, entry_id=entry.pk)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            reversal, _replayed = submit_once(
                request,
                fund_id=access.fund.pk,
                scope="ledger.reverse",
                action=lambda: entry_reverse(
                    entry=entry,
                    date=form.cleaned_data["date"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                ),
                **as_pk(JournalEntry),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {"entry": "__all__", "lines": "__all__"})
        else:
            messages.success(
                request,
                _("Entry %(seq)s was reversed by entry %(rev)s.")
                % {"seq": entry.seq, "rev": reversal.seq},
            )
            return redirect("ledger_entry", fund_id=access.fund.pk, entry_id=reversal.pk)
    return _entry_page(request, access, entry, form)


@fund_view(Cap.RECORD_MONEY)
def voucher_new(request: HttpRequest, access: FundAccess) -> HttpResponse:
    fund = access.fund
    try:
        rows = min(max(int(request.GET.get("rows", VOUCHER_ROWS)), 2), VOUCHER_MAX_ROWS)
    except ValueError:
        rows = VOUCHER_ROWS
    if request.method == "POST":
        form = VoucherForm(request.POST)
        lines = voucher_line_formset(request.POST, fund=fund)
        if form.is_valid() and lines.is_valid():
            d = form.cleaned_data
            try:
                entry, replayed = submit_once(
                    request,
                    fund_id=fund.pk,
                    scope="ledger.voucher",
                    action=lambda: entry_post(
                        fund=fund,
                        draft=EntryDraft(
                            date=d["date"],
                            description=d["description"],
                            lines=lines.drafts,
                            source_type=SourceType.MANUAL,
                            source_ref=d["document"].strip(),
                        ),
                        actor=request.user,
                    ),
                    **as_pk(JournalEntry),
                )
                if replayed:
                    messages.info(request, _("This was already saved; nothing was recorded twice."))
            except ValidationError as exc:
                apply_service_errors(form, exc, {"lines": "__all__"})
            else:
                messages.success(
                    request, _("Journal voucher posted as entry %(seq)s.") % {"seq": entry.seq}
                )
                return redirect("ledger_entry", fund_id=fund.pk, entry_id=entry.pk)
        status = 400
    else:
        form = VoucherForm(initial={"date": timezone.localdate()})
        lines = voucher_line_formset(None, fund=fund, rows=rows)
        status = 200
    return render(
        request,
        "ledger/voucher.html",
        {"form": form, "lines": lines, "more_rows": min(rows + 4, VOUCHER_MAX_ROWS)},
        status=status,
    )


# --- reports -------------------------------------------------------------------------------


def _as_of(request: HttpRequest) -> tuple[AsOfForm, dt.date]:
    today = timezone.localdate()
    form = AsOfForm(request.GET or None)
    as_of = today
    if form.is_valid() and form.cleaned_data["as_of"]:
        as_of = form.cleaned_data["as_of"]
    if not form.is_bound:
        form = AsOfForm(initial={"as_of": as_of})
    return form, as_of


@fund_view(Cap.VIEW_BOOKS)
def trial_balance(request: HttpRequest, access: FundAccess) -> HttpResponse:
    form, as_of = _as_of(request)
    tb = selectors.trial_balance(fund=access.fund, as_of=as_of)
    return render(request, "ledger/trial_balance.html", {"form": form, "as_of": as_of, "tb": tb})


@fund_view(Cap.VIEW_BOOKS)
def balance_sheet(request: HttpRequest, access: FundAccess) -> HttpResponse:
    form, as_of = _as_of(request)
    bs = selectors.balance_sheet(fund=access.fund, as_of=as_of)
    return render(request, "ledger/balance_sheet.html", {"form": form, "as_of": as_of, "bs": bs})


@fund_view(Cap.VIEW_BOOKS)
def income_expenditure(request: HttpRequest, access: FundAccess) -> HttpResponse:
    today = timezone.localdate()
    form, start, end = _period(request, fiscal_year_bounds(access.fund, today))
    ie = selectors.income_expenditure(fund=access.fund, start=start, end=end)
    return render(
        request,
        "ledger/income_expenditure.html",
        {"form": form, "start": start, "end": end, "ie": ie},
    )


CASH_BOOK_ROLES = {"all": ("cash", "bank"), "cash": ("cash",), "bank": ("bank",)}


def _cash_book_data(request: HttpRequest, access: FundAccess) -> dict:
    today = timezone.localdate()
    start, end = month_first(today), month_last(today)
    book = "all"
    form = CashBookForm(request.GET or None)
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
        book = form.cleaned_data["book"] or "all"
    if not form.is_bound:
        form = CashBookForm(initial={"start": start, "end": end, "book": book})
    data = selectors.cash_book(
        fund=access.fund,
        start=start,
        end=end,
        roles=CASH_BOOK_ROLES[book],
        hide_persons=hides_persons(access),
    )
    return {"form": form, "start": start, "end": end, "book": book, "cb": data}


@fund_view(Cap.VIEW_BOOKS)
def cash_book(request: HttpRequest, access: FundAccess) -> HttpResponse:
    context = _cash_book_data(request, access)
    data = context["cb"]
    return render(
        request,
        "ledger/cash_book.html",
        {
            **context,
            "book_label": dict(CashBookForm.BOOKS)[context["book"]],
            "rows": running_page(request, data["rows"], data["opening"], lambda r: r["balance"]),
            "download": query_without_page(request),
        },
    )


@fund_view(Cap.VIEW_BOOKS)
def cash_book_csv(request: HttpRequest, access: FundAccess) -> HttpResponse:
    """The whole period's cash book as a file, streamed (the page shows it a page at a time)."""
    context = _cash_book_data(request, access)
    data, lang = context["cb"], current_lang()
    rows = (
        [
            format_date(r["date"], lang),
            r["seq"],
            r["document"],
            r["description"],
            r["account"].display_name,
            r["money_in"] or "",
            r["money_out"] or "",
            r["balance"],
        ]
        for r in data["rows"]
    )
    opening = [format_date(context["start"], lang), "", "", _("Balance brought forward")]
    opening += ["", "", "", data["opening"]]
    header = [_("date"), _("no."), _("document no."), _("particulars"), _("cash/bank")]
    header += [pgettext("cash book", "received"), pgettext("cash book", "paid"), _("balance")]
    name = f"cash-book-{access.fund.short_code}-{context['start']}-{context['end']}.csv"
    return csv_download(name, header, itertools.chain([opening], rows))


# --- chart of accounts ---------------------------------------------------------------------


@fund_view(Cap.VIEW_BOOKS)
def accounts(request: HttpRequest, access: FundAccess) -> HttpResponse:
    fund = access.fund
    form = AccountForm(request.POST or None)
    if request.method == "POST":
        if not access.can(Cap.MANAGE_FUND):
            raise PermissionDenied
        if form.is_valid():
            try:
                account = account_create(fund=fund, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Account %(account)s added.") % {"account": str(account)}
                )
                return redirect("ledger_accounts", fund_id=fund.pk)
    form_as_of, as_of = _as_of(request)
    return render(
        request,
        "ledger/accounts.html",
        {
            "form": form,
            "rows": account_balances(fund=fund, as_of=as_of),
            "as_of": as_of,
            "as_of_form": form_as_of,
        },
        status=400 if form.errors else 200,
    )


@fund_view(Cap.VIEW_BOOKS)
def account_detail(request: HttpRequest, access: FundAccess, account_id: int) -> HttpResponse:
    account = _account_or_404(access, account_id)
    locked = account_has_lines(account)
    edit_form = None
    if access.can(Cap.MANAGE_FUND):
        edit_form = AccountEditForm(
            request.POST if request.method == "POST" else None,
            initial={
                "code": account.code,
                "name_th": account.name_th,
                "name_en": account.name_en,
                "type": account.type,
                "active": account.active,
            },
        )
        if locked:
            edit_form.fields["code"].disabled = True
            edit_form.fields["type"].disabled = True
    if request.method == "POST":
        if edit_form is None:
            raise PermissionDenied
        if edit_form.is_valid():
            try:
                account_update(account=account, **edit_form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(edit_form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("ledger_account", fund_id=access.fund.pk, account_id=account.pk)
    today = timezone.localdate()
    form, start, end = _period(request, fiscal_year_bounds(access.fund, today))
    ledger = account_ledger(
        account=account, start=start, end=end, hide_persons=hides_persons(access)
    )
    return render(
        request,
        "ledger/account.html",
        {
            "account": account,
            "locked": locked,
            "edit_form": edit_form,
            "form": form,
            "start": start,
            "end": end,
            "ledger": ledger,
            "rows": running_page(
                request, ledger["rows"], ledger["opening"], lambda r: r.balance, open_last=True
            ),
            "download": query_without_page(request),
        },
        status=400 if edit_form is not None and edit_form.errors else 200,
    )


@fund_view(Cap.VIEW_BOOKS)
def account_ledger_csv(request: HttpRequest, access: FundAccess, account_id: int) -> HttpResponse:
    """One account's whole period as a file, streamed (the page shows it a page at a time)."""
    account = _account_or_404(access, account_id)
    _form, start, end = _period(request, fiscal_year_bounds(access.fund, timezone.localdate()))
    ledger = account_ledger(
        account=account, start=start, end=end, hide_persons=hides_persons(access)
    )
    lang = current_lang()
    rows = (
        [
            format_date(r.line.date, lang),
            r.line.entry.seq,
            r.line.entry.source_ref,
            r.line.entry.description + (f" · {r.line.memo}" if r.line.memo else ""),
            r.debit or "",
            r.credit or "",
            r.balance,
        ]
        for r in ledger["rows"]
    )
    opening = [format_date(start, lang), "", "", _("Balance brought forward"), "", ""]
    opening.append(ledger["opening"])
    header = [_("date"), _("no."), _("document"), _("description"), _("debit"), _("credit")]
    header.append(_("balance"))
    name = f"ledger-{access.fund.short_code}-{account.code}-{start}-{end}.csv"
    return csv_download(name, header, itertools.chain([opening], rows))


# --- month close ---------------------------------------------------------------------------


@fund_view(Cap.VIEW_BOOKS)
def months(request: HttpRequest, access: FundAccess) -> HttpResponse:
    fund = access.fund
    today = timezone.localdate()
    closable = closable_months(fund, today)
    form = None
    if access.can(Cap.RECORD_MONEY) and closable:
        form = MonthCloseForm(
            request.POST if request.method == "POST" else None,
            months=closable,
            initial={"through": closable[0].isoformat()},
        )
    if request.method == "POST":
        if not access.can(Cap.RECORD_MONEY):
            raise PermissionDenied
        if form is not None and form.is_valid():
            try:
                closed, _replayed = submit_once(
                    request,
                    fund_id=fund.pk,
                    scope="ledger.month_close",
                    action=lambda: months_close_through(
                        fund=fund,
                        through=dt.date.fromisoformat(form.cleaned_data["through"]),
                        actor=request.user,
                    ),
                    **as_pks(MonthClose),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, {"month": "through"})
            else:
                messages.success(
                    request,
                    _("%(n)s month(s) closed, up to %(month)s.")
                    % {
                        "n": len(closed),
                        "month": form.fields["through"].choices[len(closed) - 1][1],
                    },
                )
                return redirect("ledger_months", fund_id=fund.pk)
    return render(
        request,
        "ledger/months.html",
        {
            "form": form,
            "rows": month_rows(fund=fund, today=today),
            "next_open": next_open_month(fund),
            "closable": closable,
            "first_close": MonthClose.objects.filter(fund=fund).order_by("month").first(),
            "last_close": MonthClose.objects.filter(fund=fund).order_by("-month").first(),
        },
        status=400 if form is not None and form.errors else 200,
    )
