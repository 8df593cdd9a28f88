from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kongtun.core.forms import BahtField, ThaiDateField
from kongtun.core.money import DEFAULT_MAX_PER_LINE
from kongtun.funds.models import Area, ConceptualBasis, Fund, Role
from kongtun.funds.services import AreaInput, FundInput

MONTHS = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]


class FundForm(forms.Form):
    name_th = forms.CharField(label=_("name (Thai)"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    short_code = forms.SlugField(label=_("short code"), max_length=20)
    province = forms.ModelChoiceField(
        label=_("province"),
        queryset=Area.objects.filter(level=Area.Level.PROVINCE).order_by("name_th"),
        to_field_name="code",
    )
    district_code = forms.CharField(label=_("district code"), max_length=4)
    district_name = forms.CharField(label=_("district name (Thai)"), max_length=120, required=False)
    subdistrict_code = forms.CharField(label=_("subdistrict code"), max_length=6)
    subdistrict_name = forms.CharField(
        label=_("subdistrict name (Thai)"), max_length=120, required=False
    )
    founded_on = ThaiDateField(label=_("founding date"))
    conceptual_bases = forms.MultipleChoiceField(
        label=_("conceptual bases"),
        choices=ConceptualBasis.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("fiscal year starts in"), choices=MONTHS, coerce=int, initial=1
    )
    member_number_pattern = forms.CharField(
        label=_("member number pattern"),
        max_length=40,
        initial="{seq:05d}",
        help_text=_("Shown for member 102 of village 5, who joined in 2567."),
        widget=forms.Select,
    )
    max_amount_per_line = BahtField(
        label=Fund._meta.get_field("max_amount_per_line").verbose_name,
        help_text=Fund._meta.get_field("max_amount_per_line").help_text,
        required=False,
        initial=DEFAULT_MAX_PER_LINE,
    )
    village_count = forms.IntegerField(
        label=_("number of villages (หมู่)"),
        min_value=0,
        max_value=99,
        initial=0,
        required=False,
        help_text=_("Villages 1…N are created; name them afterwards."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.initial.get("member_number_pattern") or self.data.get(
            "member_number_pattern"
        )
        self.fields["member_number_pattern"].widget.choices = number_pattern_choices(current)

    def to_input(self) -> FundInput:
        d = self.cleaned_data
        return FundInput(
            name_th=d["name_th"],
            name_en=d["name_en"],
            short_code=d["short_code"].upper(),
            province_code=d["province"].code,
            district=AreaInput(d["district_code"].strip(), d["district_name"]),
            subdistrict=AreaInput(d["subdistrict_code"].strip(), d["subdistrict_name"]),
            founded_on=d["founded_on"],
            conceptual_bases=d["conceptual_bases"],
            fiscal_year_start_month=d["fiscal_year_start_month"],
            member_number_pattern=d["member_number_pattern"],
            village_count=d.get("village_count") or 0,
            max_amount_per_line=d.get("max_amount_per_line"),
        )

    @classmethod
    def initial_for(cls, fund: Fund) -> dict:
        sub = fund.subdistrict
        return {
            "name_th": fund.name_th,
            "name_en": fund.name_en,
            "short_code": fund.short_code,
            "province": sub.parent.parent.code,
            "district_code": sub.parent.code,
            "district_name": sub.parent.name_th,
            "subdistrict_code": sub.code,
            "subdistrict_name": sub.name_th,
            "founded_on": fund.founded_on,
            "conceptual_bases": fund.conceptual_bases,
            "fiscal_year_start_month": fund.fiscal_year_start_month,
            "member_number_pattern": fund.member_number_pattern,
            "max_amount_per_line": fund.max_amount_per_line,
        }


#: Member number layouts offered by example, not by their codes (issue 13: no ``{seq}`` on a page).
NUMBER_PATTERNS = [
    ("{seq:05d}", _("running number, 5 digits")),
    ("{seq}", _("running number")),
    ("{village:02d}-{seq:04d}", _("village, 2 digits – running number, 4 digits")),
    ("{village}-{seq:04d}", _("village – running number, 4 digits")),
    ("{year}-{seq:04d}", _("year joined – running number, 4 digits")),
]


def _example(pattern: str) -> str:
    try:
        return pattern.format(seq=102, year=2567, village=5)
    except (KeyError, IndexError, ValueError):
        return pattern


def number_pattern_choices(current: str | None) -> list[tuple[str, str]]:
    """The layouts as '05-0102 (village, 2 digits – running number, 4 digits)'; a fund's own
    layout that is not among them stays offered, shown by its example."""
    choices = [(p, f"{_example(p)} ({label})") for p, label in NUMBER_PATTERNS]
    if current and current not in dict(NUMBER_PATTERNS):
        choices.insert(0, (current, f"{_example(current)} ({_('as set for this fund')})"))
    return choices


class RoleGrantForm(forms.Form):
    """Gives a role by login name. It does not look the name up: whether a login exists on the
    server is not the fund's business (``services.role_offer`` decides, decision 0002)."""

    username = forms.CharField(
        label=_("username"),
        max_length=150,
        help_text=_(
            "A login already in this fund gets the role at once; any other login name is "
            "offered the role, which it receives at its next sign-in."
        ),
    )
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    member_number = forms.CharField(
        label=_("member number (for the member role)"), max_length=30, required=False
    )


class VillageForm(forms.Form):
    number = forms.IntegerField(label=_("village number"), min_value=1, max_value=99)
    name_th = forms.CharField(label=_("village name"), max_length=120, required=False)


class OccupationForm(forms.Form):
    code = forms.SlugField(
        label=_("code"),
        max_length=40,
        help_text=_("English letters without spaces; import files may name the group by it."),
    )
    name_th = forms.CharField(label=_("name (Thai)"), max_length=120)
    name_en = forms.CharField(label=_("name (English)"), max_length=120, required=False)
    active = forms.BooleanField(label=_("in use"), required=False, initial=True)
