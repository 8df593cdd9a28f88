from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from kongtun.core.concurrency import IdempotentFormMixin
from kongtun.core.forms import BahtField, ThaiDateField
from kongtun.funds.models import Fund
from kongtun.ledger.models import Agency
from kongtun.mobilization.models import MembersRule
from kongtun.mobilization.services import MoneyKind, RequestInput


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=Agency.Kind.choices)


class MoneyForm(IdempotentFormMixin, forms.Form):
    INTO = (("cash", _("cash")), ("bank", _("bank account")))
    agency = forms.ModelChoiceField(label=_("agency"), queryset=Agency.objects.none())
    date = ThaiDateField(label=_("date received"))
    kind = forms.ChoiceField(label=_("kind of money"), choices=MoneyKind.choices)
    amount = BahtField(label=_("amount (baht)"))
    into = forms.ChoiceField(
        label=_("received into"), choices=INTO, widget=forms.RadioSelect, initial="bank"
    )
    reference = forms.CharField(
        label=_("reference document"),
        max_length=60,
        required=False,
        help_text=_("The agency's letter or transfer number, or our receipt number."),
    )
    note = forms.CharField(label=_("note"), max_length=150, required=False)

    def __init__(self, *args: object, fund: Fund, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(fund=fund).order_by("name")


class RatioField(forms.CharField):
    def to_python(self, value: object) -> Decimal | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return Decimal(str(value).replace(",", "").strip())
        except InvalidOperation:
            raise forms.ValidationError(_("Write the ratio as a number, e.g. 1 or 0.5.")) from None


class RequestForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("agency"), queryset=Agency.objects.none())
    period_start = ThaiDateField(label=_("period from"))
    period_end = ThaiDateField(label=_("period to"))
    ratio = RatioField(
        label=_("baht matched per baht paid"),
        initial="1.00",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    cap_per_member_year = BahtField(
        label=_("cap per member per year (baht)"),
        required=False,
        help_text=_("Empty: no cap. For 1 baht a day, 365."),
    )
    members_rule = forms.ChoiceField(
        label=_("members"),
        choices=MembersRule.choices,
        initial=MembersRule.ACTIVE_AT_END,
        widget=forms.RadioSelect,
    )
    reference = forms.CharField(
        label=_("resolution or letter"),
        max_length=300,
        required=False,
        help_text=_("e.g. the committee's resolution number, or the agency's letter."),
    )

    def __init__(self, *args: object, fund: Fund, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(fund=fund).order_by("name")

    def to_input(self) -> RequestInput:
        d = self.cleaned_data
        return RequestInput(
            agency_id=d["agency"].pk,
            period_start=d["period_start"],
            period_end=d["period_end"],
            ratio=d["ratio"],
            cap_per_member_year=d["cap_per_member_year"],
            members_rule=d["members_rule"],
            reference=d["reference"],
        )


class SubmitForm(forms.Form):
    submitted_on = ThaiDateField(label=_("date sent to the agency"))
