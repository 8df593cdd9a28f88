from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kongtun.core.forms import ThaiDateField
from kongtun.funds.models import Fund
from kongtun.members.models import TITLES, AccessKind, MemberStatus, PersonalDataAccess, Sex
from kongtun.members.services import BeneficiaryInput, MemberInput


class MemberForm(forms.Form):
    number = forms.CharField(
        label=_("member number"),
        required=False,
        max_length=30,
        help_text=_("Leave empty to take the next number."),
    )
    title = forms.ChoiceField(
        label=pgettext_lazy("person", "title"), choices=[("", "—"), *TITLES], required=False
    )
    first_name = forms.CharField(label=_("first name"), max_length=100)
    last_name = forms.CharField(label=_("last name"), max_length=100)
    national_id = forms.CharField(
        label=_("national ID"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = ThaiDateField(label=_("birth date"))
    sex = forms.ChoiceField(label=_("sex"), choices=Sex.choices, widget=forms.RadioSelect)
    village = forms.ModelChoiceField(label=_("village"), queryset=None)
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    phone = forms.CharField(
        label=_("phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    occupation = forms.ModelChoiceField(label=_("occupation group"), queryset=None)
    join_date = ThaiDateField(label=_("join date"))

    def __init__(self, *args: object, fund: Fund, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = fund.villages.all()
        self.fields["occupation"].queryset = fund.occupation_groups.filter(active=True)

    def to_input(self, beneficiaries: list[BeneficiaryInput]) -> MemberInput:
        d = self.cleaned_data
        return MemberInput(
            number=d["number"].strip(),
            title=d["title"],
            first_name=d["first_name"],
            last_name=d["last_name"],
            national_id=d["national_id"].replace("-", "").replace(" ", ""),
            birth_date=d["birth_date"],
            sex=d["sex"],
            village_id=d["village"].pk,
            occupation_id=d["occupation"].pk,
            join_date=d["join_date"],
            address=d["address"],
            phone=d["phone"],
            beneficiaries=beneficiaries,
        )


class BeneficiaryForm(forms.Form):
    name = forms.CharField(label=_("beneficiary name"), max_length=200, required=False)
    relationship = forms.CharField(label=_("relationship"), max_length=60, required=False)
    share_percent = forms.DecimalField(
        label=_("share (%)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        min_value=Decimal("0.01"),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("name") and data.get("share_percent") is None:
            self.add_error("share_percent", _("Enter this beneficiary's share."))
        if data.get("share_percent") is not None and not data.get("name"):
            self.add_error("name", _("Enter the beneficiary's name."))
        return data


BeneficiaryFormSet = forms.formset_factory(BeneficiaryForm, extra=0, min_num=3, max_num=10)


def beneficiaries_from(formset: forms.BaseFormSet) -> list[BeneficiaryInput]:
    return [
        BeneficiaryInput(
            name=f.cleaned_data["name"],
            relationship=f.cleaned_data.get("relationship", ""),
            share_percent=f.cleaned_data["share_percent"],
        )
        for f in formset.forms
        if f.cleaned_data.get("name")
    ]


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("new status"), choices=MemberStatus.choices)
    effective_date = ThaiDateField(label=_("effective date"))
    reason = forms.CharField(label=_("reason"), max_length=300)


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("search"), required=False)
    village = forms.ModelChoiceField(label=_("village"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("all statuses")), *MemberStatus.choices], required=False
    )

    def __init__(self, *args: object, fund: Fund, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = fund.villages.all()
        self.fields["village"].empty_label = _("all villages")
        for name in ("village", "status"):  # shown without a visible label: named for readers
            self.fields[name].widget.attrs["aria-label"] = str(self.fields[name].label)


class RevealForm(forms.Form):
    """Showing the full national ID asks why (written to the personal-data access log)."""

    reason = forms.CharField(
        label=_("reason for showing the full national ID"),
        max_length=300,
        required=False,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("reason, e.g. checking a claim form"),
                "aria-label": _("reason for showing the full national ID"),
                "size": 24,
            }
        ),
    )

    def __init__(self, *args: object, reason_required: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.reason_required = reason_required

    def clean_reason(self) -> str:
        reason = " ".join((self.cleaned_data.get("reason") or "").split())
        if self.reason_required and not reason:
            raise forms.ValidationError(
                _("Please say why you need the full national ID; the reason is kept in the log.")
            )
        return reason


class AccessLogFilterForm(forms.Form):
    member = forms.CharField(
        label=_("member"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("number or name")}),
    )
    person = forms.ModelChoiceField(label=_("seen by"), queryset=None, required=False)
    kind = forms.ChoiceField(label=_("what"), required=False)
    date_from = ThaiDateField(label=_("from"), required=False)
    date_to = ThaiDateField(label=_("to"), required=False)

    def __init__(self, *args: object, fund: Fund, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        viewers = PersonalDataAccess.objects.filter(fund=fund).values("user_id")
        self.fields["person"].queryset = (
            get_user_model().objects.filter(pk__in=viewers).order_by("first_name", "username")
        )
        self.fields["person"].empty_label = _("everyone")
        self.fields["person"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["kind"].choices = [("", _("all kinds")), *AccessKind.choices]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
