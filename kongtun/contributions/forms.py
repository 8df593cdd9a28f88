from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kongtun.contributions.models import ContributionPlan, ContributionPolicy
from kongtun.core.concurrency import IdempotentFormMixin
from kongtun.core.forms import AMOUNT_ERRORS, BahtField, ThaiDateField

INTO = [("cash", _("cash")), ("bank", _("bank deposit"))]


class PaymentForm(IdempotentFormMixin, forms.Form):
    member_number = forms.CharField(label=_("member number"), max_length=30)
    paid_on = ThaiDateField(label=_("date paid"))
    amount = BahtField(label=_("amount (baht)"))
    periods = forms.IntegerField(
        label=_("periods"),
        min_value=1,
        max_value=120,
        required=False,
        help_text=_("Leave empty to count the periods from the amount."),
    )
    entrance_fee = forms.BooleanField(label=_("includes the entrance fee"), required=False)
    into = forms.ChoiceField(label=_("received into"), choices=INTO, initial="cash")


class BatchHeaderForm(IdempotentFormMixin, forms.Form):
    paid_on = ThaiDateField(label=_("date of the meeting"))
    into = forms.ChoiceField(label=_("received into"), choices=INTO, initial="cash")
    repeats_confirmed = forms.BooleanField(
        label=_("Yes, the same member pays in more than one row: record every row"),
        required=False,
    )


class BatchRowForm(forms.Form):
    """One row of the meeting batch, checked for format before the service sees the batch:
    a member number, and an amount of baht that is more than zero.

    The page posts its rows as repeated ``number`` / ``amount`` fields (rows are added by
    the keyboard script without any management form), so each row is bound on its own."""

    number = forms.CharField(
        label=_("member number"),
        max_length=30,
        error_messages={"required": _("Type the member number.")},
    )
    amount = BahtField(label=_("amount"), error_messages={"required": AMOUNT_ERRORS["empty"]})


class VoidForm(IdempotentFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason for voiding"), max_length=300)


class PolicyForm(forms.ModelForm):
    entrance_fee = BahtField(label=_("entrance fee"), positive=False, required=False)

    class Meta:
        model = ContributionPolicy
        fields = ["entrance_fee", "suspend_after_unpaid_periods", "reinstate_on_payment"]


class PlanForm(forms.ModelForm):
    amount = BahtField(label=_("amount per period"))

    class Meta:
        model = ContributionPlan
        fields = ["name_th", "name_en", "amount", "months", "active"]


class PlanAssignForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("contribution plan"), queryset=None)
    effective_date = ThaiDateField(label=_("from"))

    def __init__(self, *args: object, fund: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = fund.contribution_plans.filter(active=True)
