from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kongtun.network.selectors import GROUPINGS, SORTS


class NetworkFilterForm(forms.Form):
    by = forms.ChoiceField(
        label=_("group by"),
        required=False,
        choices=[
            ("network", _("whole network")),
            ("region", _("region")),
            ("province", _("province")),
            ("district", _("district")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("sort by"),
        required=False,
        choices=[
            ("name", _("name")),
            ("members", _("active members")),
            ("contributions", _("contributions")),
            ("matching", _("matching money")),
            ("benefits", _("benefits paid")),
            ("reserves", _("reserves")),
            ("cover", _("months of benefits covered")),
            ("ruin", _("chance of running out")),
            ("assessment", _("self-assessment score")),
            ("stage", _("SW-NT stage")),
            ("closed", _("last closed month")),
        ],
    )
    desc = forms.BooleanField(label=_("largest first"), required=False)
    q = forms.CharField(label=_("fund name or code"), required=False, max_length=100)
    province = forms.RegexField(
        label=_("province code"), regex=r"^\d{2}$", required=False, max_length=2
    )
    stage = forms.IntegerField(label=_("SW-NT stage"), required=False, min_value=1, max_value=8)
    cover_below = forms.DecimalField(
        label=_("covering fewer months than"), required=False, min_value=0, max_digits=6
    )

    def clean_by(self) -> str:
        value = self.cleaned_data.get("by") or "province"
        return value if value in GROUPINGS else "province"

    def clean_sort(self) -> str:
        value = self.cleaned_data.get("sort") or "name"
        return value if value in SORTS else "name"


class PackageUploadForm(forms.Form):
    file = forms.FileField(label=_("report package (.json)"))


class KeyRegisterForm(forms.Form):
    public_key = forms.CharField(
        label=_("the fund's public key"),
        max_length=100,
        help_text=_("64 characters, shown on the fund's own “Network reporting” page."),
    )
