"""Forms of the books pages. Amounts are BahtField (Decimal), dates ThaiDateField (B.E.)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kongtun.core.concurrency import IdempotentFormMixin
from kongtun.core.forms import BahtField, ThaiDateField
from kongtun.funds.models import Fund
from kongtun.ledger.models import Account, AccountType, SourceType
from kongtun.ledger.reports import month_label
from kongtun.ledger.services import LineDraft

ZERO = Decimal("0.00")


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Account) -> str:
        return f"{obj.code} {obj.display_name}"


class PeriodForm(forms.Form):
    start = ThaiDateField(label=_("from"), required=False)
    end = ThaiDateField(label=_("to"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end is before the start."))
        return data


class AsOfForm(forms.Form):
    as_of = ThaiDateField(label=_("as of"), required=False)


class CashBookForm(PeriodForm):
    BOOKS = (("all", _("cash and bank")), ("cash", _("cash only")), ("bank", _("bank only")))
    book = forms.ChoiceField(label=_("book"), choices=BOOKS, required=False)


class JournalFilterForm(PeriodForm):
    source = forms.ChoiceField(
        label=_("source"), choices=[("", _("all sources")), *SourceType.choices], required=False
    )
    account = AccountChoiceField(
        label=_("account"), queryset=Account.objects.none(), required=False, empty_label=None
    )
    q = forms.CharField(label=_("text"), required=False, max_length=100)

    def __init__(self, *args: object, fund: Fund, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(fund=fund).order_by("code")
        self.fields["account"].empty_label = _("all accounts")


class ReverseForm(IdempotentFormMixin, forms.Form):
    date = ThaiDateField(label=_("date of the reversal"))
    reason = forms.CharField(label=_("reason"), max_length=200)


class VoucherForm(IdempotentFormMixin, forms.Form):
    date = ThaiDateField(label=_("date"))
    description = forms.CharField(label=_("description"), max_length=250)
    document = forms.CharField(
        label=_("document number"),
        max_length=60,
        required=False,
        help_text=_("The number on the paper voucher or bill, if there is one."),
    )


class VoucherLineForm(forms.Form):
    account = AccountChoiceField(
        label=_("account"), queryset=Account.objects.none(), required=False
    )
    debit = BahtField(label=_("debit"), required=False)
    credit = BahtField(label=_("credit"), required=False)
    memo = forms.CharField(label=_("memo"), max_length=200, required=False)

    def __init__(self, *args: object, fund: Fund, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(fund=fund, active=True).order_by(
            "code"
        )
        # The column headings are hidden on a phone, where each line is stacked.
        for name in ("debit", "credit", "memo"):
            self.fields[name].widget.attrs["placeholder"] = self.fields[name].label
        self.fields["account"].empty_label = _("— account —")

    @property
    def line_number(self) -> int:
        return int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1


class BaseVoucherLineFormSet(forms.BaseFormSet):
    """The lines of a journal voucher. Empty rows are skipped; every problem names its line
    (the row number on the page) and the totals must agree."""

    def __init__(self, *args: object, fund: Fund, **kwargs: object) -> None:
        self.fund = fund
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict:
        return {"fund": self.fund}

    def clean(self) -> None:
        if any(f.errors for f in self.forms):
            problems = [
                str(_("Line %(n)s: %(problem)s")) % {"n": f.line_number, "problem": e}
                for f in self.forms
                for errors in f.errors.values()
                for e in errors
            ]
            raise forms.ValidationError(problems)
        problems = []
        self.drafts: list[LineDraft] = []
        debit_lines, credit_lines = [], []
        total_debit = total_credit = ZERO
        for f in self.forms:
            d = f.cleaned_data
            account, debit, credit = d.get("account"), d.get("debit"), d.get("credit")
            n = f.line_number
            if account is None and debit is None and credit is None:
                if d.get("memo"):
                    f.add_error("account", _("Choose the account."))
                    problems.append(str(_("Line %(n)s: choose the account.")) % {"n": n})
                continue
            if account is None:
                f.add_error("account", _("Choose the account."))
                problems.append(str(_("Line %(n)s: choose the account.")) % {"n": n})
            if debit is None and credit is None:
                f.add_error("debit", _("Give the amount as a debit or a credit."))
                problems.append(
                    str(_("Line %(n)s: give the amount as a debit or a credit.")) % {"n": n}
                )
            elif debit is not None and credit is not None:
                f.add_error("credit", _("A line is either a debit or a credit, not both."))
                problems.append(
                    str(_("Line %(n)s: a line is either a debit or a credit, not both.")) % {"n": n}
                )
            if account is None or (debit is None) == (credit is None):
                continue
            if debit is not None:
                total_debit += debit
                debit_lines.append(n)
            else:
                total_credit += credit
                credit_lines.append(n)
            self.drafts.append(
                LineDraft(
                    account=account,
                    debit=debit or ZERO,
                    credit=credit or ZERO,
                    memo=d.get("memo", ""),
                )
            )
        if problems:
            raise forms.ValidationError(problems)
        if len(self.drafts) < 2:
            raise forms.ValidationError(
                _("A voucher needs at least two lines: what is debited and what is credited.")
            )
        if total_debit != total_credit:
            raise forms.ValidationError(
                _(
                    "The voucher does not balance: debits on line(s) %(dl)s total %(d)s baht, "
                    "credits on line(s) %(cl)s total %(c)s baht, a difference of %(diff)s baht."
                )
                % {
                    "dl": ", ".join(map(str, debit_lines)) or "—",
                    "d": f"{total_debit:,.2f}",
                    "cl": ", ".join(map(str, credit_lines)) or "—",
                    "c": f"{total_credit:,.2f}",
                    "diff": f"{abs(total_debit - total_credit):,.2f}",
                }
            )
        self.total = total_debit


VOUCHER_ROWS = 6
VOUCHER_MAX_ROWS = 40


def voucher_line_formset(
    data: object | None, *, fund: Fund, rows: int = VOUCHER_ROWS
) -> BaseVoucherLineFormSet:
    cls = forms.formset_factory(
        VoucherLineForm,
        formset=BaseVoucherLineFormSet,
        extra=rows,
        max_num=VOUCHER_MAX_ROWS,
        validate_max=True,
    )
    return cls(data, fund=fund, prefix="line")


class AccountForm(forms.Form):
    code = forms.CharField(label=_("account code"), max_length=10)
    name_th = forms.CharField(label=_("name (Thai)"), max_length=150)
    name_en = forms.CharField(label=_("name (English)"), max_length=150, required=False)
    type = forms.ChoiceField(label=_("type"), choices=AccountType.choices)


class AccountEditForm(AccountForm):
    active = forms.BooleanField(label=_("in use"), required=False)


class MonthCloseForm(IdempotentFormMixin, forms.Form):
    through = forms.TypedChoiceField(label=_("close up to and including"), coerce=str)
    confirm = forms.BooleanField(
        label=_(
            "I have checked the books of these months. Nothing more can be posted into them "
            "afterwards; corrections go into an open month."
        )
    )

    def __init__(self, *args: object, months: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["through"].choices = [(m.isoformat(), month_label(m)) for m in months]
