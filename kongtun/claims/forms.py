from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kongtun.claims.models import ClaimStatus, Payout, Relative, ReviewAction
from kongtun.claims.services import DETAIL_NAMES, EVIDENCE_MAX_BYTES, ClaimInput
from kongtun.core.concurrency import IdempotentFormMixin
from kongtun.core.forms import BahtField, ThaiDateField
from kongtun.core.thaidates import DateParseError, parse_date
from kongtun.funds.models import Fund, Village
from kongtun.governance.forms import ResolutionSelect
from kongtun.governance.models import Resolution
from kongtun.members.models import Sex

SCHOOL_LEVELS = [
    ("", "—"),
    ("p6", _("finished grade 6 (P6)")),
    ("m3", _("finished lower secondary (M3)")),
    ("m6", _("finished upper secondary (M6)")),
    ("vocational", _("vocational certificate")),
    ("university_entry", _("entered a public university")),
    ("bachelor", _("bachelor's degree")),
]


MARITAL_CHOICES = [
    ("", "—"),
    ("single", _("single")),
    ("married", _("married")),
    ("widowed", _("widowed")),
    ("divorced", _("divorced")),
    ("separated", _("separated")),
]


class ClaimForm(forms.Form):
    member_number = forms.CharField(label=_("member number"), max_length=30)
    benefit = forms.ChoiceField(label=_("benefit"))
    event_date = ThaiDateField(
        label=_("event date"), help_text=_("The day of the birth, admission, death …")
    )
    relative = forms.ChoiceField(
        label=_("whose event"), choices=Relative.choices, initial=Relative.SELF
    )
    nights = forms.IntegerField(
        label=_("nights in hospital"), required=False, min_value=1, max_value=366
    )
    children = forms.IntegerField(
        label=_("children born"), required=False, min_value=1, max_value=10
    )
    months = forms.IntegerField(
        label=_("months claimed"), required=False, min_value=1, max_value=12
    )
    subject_name = forms.CharField(
        label=_("name of the person claimed for"), required=False, max_length=200
    )
    subject_birth_date = ThaiDateField(label=_("their birth date"), required=False)
    subject_sex = forms.ChoiceField(
        label=_("their sex"), required=False, choices=[("", "—"), *Sex.choices]
    )
    grade_average = forms.DecimalField(
        label=_("grade average"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("4"),
        decimal_places=2,
        max_digits=3,
    )
    school_level = forms.ChoiceField(label=_("school level"), required=False, choices=SCHOOL_LEVELS)
    disability_level = forms.CharField(label=_("disability level"), required=False, max_length=40)
    cause = forms.CharField(label=_("cause or illness"), required=False, max_length=200)
    days = forms.IntegerField(label=_("days claimed"), required=False, min_value=1, max_value=366)
    discharge_date = ThaiDateField(
        label=_("discharged from hospital on"),
        required=False,
        help_text=_("The filing deadline counts from this day."),
    )
    marital_status = forms.ChoiceField(
        label=_("marital status"), required=False, choices=MARITAL_CHOICES
    )
    children_birth_dates = forms.CharField(
        label=_("children's birth dates"),
        required=False,
        max_length=400,
        help_text=_("One date per line (or separated by commas); empty when there are none."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: object,
        benefits: list[tuple[str, str]],
        needs: dict[str, frozenset[str]] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["benefit"].choices = [("", "—"), *benefits]
        #: The details the chosen benefit needs (``services.detail_fields``): the only ones
        #: shown (the others are rendered hidden, for the page's script to switch) and kept.
        code = (self.data.get("benefit") if self.is_bound else self.initial.get("benefit")) or ""
        self.shown = (needs or {}).get(str(code), frozenset())
        for name in ("nights", "children", "months", "days"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "step": "1"})
        self.fields["member_number"].widget.attrs.update({"autocomplete": "off"})

    def clean_children_birth_dates(self) -> tuple[dt.date, ...]:
        """Dates as people type them (Buddhist or Christian era), one per line or comma."""
        text = self.cleaned_data.get("children_birth_dates") or ""
        out = []
        for n, part in enumerate(p.strip() for p in text.replace(",", "\n").splitlines()):
            if not part:
                continue
            try:
                out.append(parse_date(part))
            except DateParseError:
                raise forms.ValidationError(
                    _("Date %(n)s (%(text)s) is not a date."), params={"n": n + 1, "text": part}
                ) from None
        return tuple(out)

    def clean(self) -> dict[str, Any]:
        d = super().clean()
        for name in DETAIL_NAMES - self.shown:  # not asked for this benefit: never stored
            d[name] = None
            self.errors.pop(name, None)
        return d

    def to_input(self) -> ClaimInput:
        d = self.cleaned_data
        return ClaimInput(
            member_number=d["member_number"],
            benefit=d["benefit"],
            event_date=d["event_date"],
            relative=d["relative"] or "self",
            nights=d.get("nights"),
            children=d.get("children"),
            months=d.get("months"),
            grade_average=d.get("grade_average"),
            school_level=d.get("school_level") or "",
            disability_level=d.get("disability_level") or "",
            subject_name=d.get("subject_name") or "",
            subject_birth_date=d.get("subject_birth_date"),
            subject_sex=d.get("subject_sex") or "",
            cause=d.get("cause") or "",
            note=d.get("note") or "",
            days=d.get("days"),
            discharge_date=d.get("discharge_date"),
            marital_status=d.get("marital_status") or "",
            # Asked for: an empty list means "no children", a condition's answer.
            children_birth_dates=(
                d.get("children_birth_dates") or ()
                if "children_birth_dates" in self.shown
                else None
            ),
        )


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        label=_("decision"), choices=ReviewAction.choices, widget=forms.RadioSelect
    )
    amount = BahtField(
        label=_("amount to pay (baht)"),
        required=False,
        help_text=_("Leave as it is to pay what the regulation allows; less needs a reason."),
    )
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to reject, to ask for more evidence, or to pay less."),
    )

    def __init__(
        self,
        *args: Any,
        fund: Fund,
        today: dt.date,
        not_before: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        select = ResolutionSelect(
            fund=fund,
            on_or_before=today,
            on_or_after=not_before,  # a meeting before the event cannot have decided the claim
            topic_first=Resolution.Topic.CLAIMS,
            first_label=_("Resolutions on claims"),
            others_label=_("Other resolutions"),
            label=_("resolution of the meeting"),
            required=False,
            help_text=_("When the committee decided the claim at a meeting on record."),
        )
        if select.has_resolutions:
            self.fields["resolution"] = select


class DeadlineExceptionForm(IdempotentFormMixin, forms.Form):
    """The committee's resolution accepting a claim filed after the deadline."""

    def __init__(
        self,
        *args: Any,
        fund: Fund,
        today: dt.date,
        not_before: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolution"] = ResolutionSelect(
            fund=fund,
            on_or_before=today,
            on_or_after=not_before,
            topic_first=Resolution.Topic.CLAIMS,
            first_label=_("Resolutions on claims"),
            others_label=_("Other resolutions"),
            label=_("resolution of the meeting"),
            help_text=_("The committee's resolution accepting this claim although filed late."),
        )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=lazy(
            lambda: _("A photo or a PDF, at most %(mb)s MB.") % {"mb": EVIDENCE_MAX_BYTES >> 20},
            str,
        )(),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    requirement = forms.ChoiceField(label=_("document for"), required=False)
    description = forms.CharField(
        label=pgettext_lazy("evidence", "description"), required=False, max_length=200
    )

    def __init__(self, *args: object, requirements: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [*requirements, ("", _("other document"))]


class PaperEvidenceForm(forms.Form):
    requirement = forms.ChoiceField(label=_("document for"), required=False)
    description = forms.CharField(
        label=pgettext_lazy("evidence", "description"),
        required=False,
        max_length=200,
        help_text=_("Where the paper is kept, its number …"),
    )

    def __init__(self, *args: object, requirements: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [*requirements, ("", _("other document"))]


class PayForm(IdempotentFormMixin, forms.Form):
    paid_on = ThaiDateField(label=pgettext_lazy("payout", "paid on"))
    source = forms.ChoiceField(
        label=_("paid from"), choices=Payout.Source.choices, initial=Payout.Source.CASH
    )
    amount = BahtField(label=_("amount (baht)"), required=False)
    note = forms.CharField(
        label=_("why less is paid"),
        required=False,
        max_length=500,
        help_text=_("Only when paying less than the approved amount."),
    )


class PolicyForm(forms.Form):
    approvals_required = forms.IntegerField(
        label=_("approvals needed"),
        min_value=1,
        max_value=9,
        help_text=_("Distinct committee members who must approve a claim (never the claimant)."),
    )


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("all statuses")), *ClaimStatus.choices]
    )
    benefit = forms.ChoiceField(label=_("benefit"), required=False)
    village = forms.ModelChoiceField(
        label=_("village"),
        required=False,
        queryset=Village.objects.none(),
        empty_label=_("all villages"),
    )
    date_from = ThaiDateField(label=_("events from"), required=False)
    date_to = ThaiDateField(label=_("to"), required=False)

    def __init__(self, *args: object, fund: object, benefits: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benefit"].choices = [("", _("all benefits")), *benefits]
        self.fields["village"].queryset = Village.objects.filter(fund=fund).order_by("number")


class PayoutVoidForm(IdempotentFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("why the payment is cancelled"),
        max_length=300,
        help_text=_("For example: paid to the wrong person, wrong amount, money returned."),
    )


class RecurringPayForm(IdempotentFormMixin, forms.Form):
    """Pay the chosen periods of the pensions due (checkboxes ``periods`` on the list)."""

    paid_on = ThaiDateField(label=pgettext_lazy("payout", "paid on"))
    source = forms.ChoiceField(
        label=_("paid from"), choices=Payout.Source.choices, initial=Payout.Source.CASH
    )


class MonthForm(forms.Form):
    month = forms.CharField(required=False, max_length=7)

    def month_value(self, default: dt.date) -> dt.date:
        raw = (self.data.get("month") or "").strip() if self.is_bound else ""
        try:
            year, month = (int(x) for x in raw.split("-", 1))
            return dt.date(year, month, 1)
        except ValueError:
            return default.replace(day=1)
