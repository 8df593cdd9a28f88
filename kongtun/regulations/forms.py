"""Forms for the common edits of a draft regulation (amounts, tiers, waiting periods, caps,
clauses and their interpretations), and for the YAML path (import, advanced editor).

The forms read and write the plain data of ``regulation_to_dict``; the engine validates the
result (``services.version_save_data``), so every rule is checked in one place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from kongtun.core.forms import BahtField, ThaiDateField
from kongtun.funds.models import Fund
from kongtun.governance.forms import ResolutionSelect
from kongtun.governance.models import Resolution
from kongtun.regulations.engine import PROTOTYPES, YAML_LIMITS

KIND_CHOICES = [
    ("birth", _("birth")),
    ("hospital", _("hospital stay")),
    ("outpatient", _("outpatient")),
    ("disability", _("disability")),
    ("old_age", _("old age")),
    ("death", _("death")),
    ("education", _("education")),
    ("disaster", _("disaster")),
    ("other", _("other")),
]
PER_CHOICES = [
    ("event", _("per claim")),
    ("delivery", _("per delivery")),
    ("child", _("per child")),
    ("night", _("per night")),
    ("day", _("per day")),
    ("visit", _("per visit")),
    ("month", _("per month")),
    ("year", _("per year")),
    ("counted_year", _("per counted year of membership")),
]
WAIT_BASIS = [
    ("membership", _("membership (from the join date)")),
    ("since_first_payment", _("time since the first payment")),
    ("contributions", _("months of contributions paid")),
    ("continuous", _("contributions paid without a break")),
]
TIER_BASIS = [("", "—"), *WAIT_BASIS, ("age", _("age"))]
PERIODS = [("event", _("per claim")), ("year", _("per year")), ("lifetime", _("lifetime"))]
MEASURES = [
    ("amount", _("baht")),
    ("units", _("units (nights, children …)")),
    ("times", _("claims")),
]
RELATIVES = [
    ("self", _("the member")),
    ("child", _("child")),
    ("spouse", _("spouse")),
    ("parent", _("parent")),
]
YEAR_KINDS = [
    ("calendar", _("calendar year")),
    ("fiscal", _("fiscal year (fixed start day)")),
    ("membership", _("membership year")),
]
PROTOTYPE_NAMES = {
    "chamung": "ชะมวง (chamung.go.th, 2556)",
    "cukp_funeral": "ฌาปนกิจ ส.ค.ม. เชียงใหม่ (cukpcoop.com)",
    "samyaek": "สามแยก ยโสธร (samyakcity.com, 2554)",
    "thaytalad": "ท้ายตลาด (thaytalad.org)",
    "trat_mettatham": "เมตตาธรรม ตราด (gotoknow.org)",
    "banthi": _("Banthi (synthetic demo)"),
    "thaneun": _("Thaneun (synthetic demo)"),
}


def _small_int(label: Any = "", **kw: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "small"}),
        **kw,
    )


class ClauseChoiceMixin:
    """Clause fields choose among the regulation's clause numbers ("" = the benefit's own)."""

    clause_fields: tuple[str, ...] = ("clause",)

    def __init__(self, *args: Any, clauses: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for name in self.clause_fields:
            self.fields[name] = forms.ChoiceField(  # type: ignore[attr-defined]
                label=self.fields[name].label,  # type: ignore[attr-defined]
                required=False,
                choices=[("", "—"), *[(c, c) for c in clauses or ()]],
            )


class StartForm(forms.Form):
    source = forms.ChoiceField(label=_("start from"))
    title = forms.CharField(label=_("title of the new version"), required=False, max_length=300)

    def __init__(self, *args: Any, versions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [
            (f"version:{v.pk}", _("version %(n)s: %(title)s") % {"n": v.number, "title": v.title})
            for v in versions
        ]
        choices += [
            (f"prototype:{code}", _("prototype: %(name)s") % {"name": PROTOTYPE_NAMES[code]})
            for code in PROTOTYPES
        ]
        self.fields["source"].choices = choices


class ImportForm(forms.Form):
    file = forms.FileField(label=_("regulation file (YAML)"))
    title = forms.CharField(label=_("version title"), required=False, max_length=300)

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > YAML_LIMITS.max_bytes:  # refused before reading it
            raise forms.ValidationError(_("The file is too large for a regulation."))
        raw = upload.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None


class YamlForm(forms.Form):
    content = forms.CharField(
        label=_("regulation (YAML)"),
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "yaml"}),
    )


class ApproveForm(forms.Form):
    """The approving meeting: one of the fund's recorded resolutions (its label and its
    meeting's date are taken from it), or — for a meeting not recorded in Kongtun, such as a
    founding meeting held before the fund used it — the resolution as text with its date.
    The service checks that one of the two is given."""

    resolution = forms.CharField(
        label=_("meeting resolution"),
        max_length=300,
        required=False,
        help_text=_("e.g. General assembly 1/2567, agenda 4"),
    )
    resolution_date = ThaiDateField(label=_("date of the meeting"), required=False)
    effective_date = ThaiDateField(
        label=_("in force from"),
        help_text=_("Claims for events from this day are decided under it."),
    )
    warnings_read = forms.BooleanField(
        label=_("The meeting saw the warnings of the check"), required=False
    )

    def __init__(self, *args: Any, fund: Fund, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        select = ResolutionSelect(
            fund=fund,
            on_or_before=today,
            topic_first=Resolution.Topic.REGULATION,
            first_label=_("Resolutions on the regulation"),
            others_label=_("Other resolutions"),
            label=_("resolution on record"),
            required=False,
            help_text=_(
                "The resolution's text and its meeting's date are recorded with the version."
            ),
        )
        if select.has_resolutions:
            self.fields["resolution_record"] = select
            self.order_fields(["resolution_record"])


# --- general ---------------------------------------------------------------------------------


class GeneralForm(ClauseChoiceMixin, forms.Form):
    clause_fields = ("membership_clause", "fee_clause", "age_clause", "arrears_clause")
    title = forms.CharField(label=_("title of this version"), max_length=300)
    title_th = forms.CharField(label=_("regulation title (Thai)"), max_length=300)
    title_en = forms.CharField(
        label=_("regulation title (English)"), required=False, max_length=300
    )
    year_kind = forms.ChoiceField(label=_("a year for caps is"), choices=YEAR_KINDS)
    start_month = forms.IntegerField(
        label=_("fiscal year starts in month"), required=False, min_value=1, max_value=12
    )
    start_day = forms.IntegerField(label=_("on day"), required=False, min_value=1, max_value=31)
    membership_clause = forms.CharField(label=_("clause on membership"), required=False)
    entrance_fee = BahtField(label=_("entrance fee (baht)"), required=False, positive=False)
    fee_clause = forms.CharField(label=_("clause"), required=False)
    entry_age_min = _small_int(_("youngest age on joining"))
    entry_age_max = _small_int(_("oldest age on joining"))
    age_clause = forms.CharField(label=_("clause"), required=False)
    arrears_max = _small_int(_("benefits withheld after this many unpaid months"))
    arrears_from = forms.ChoiceField(
        label=_("months due counted from"),
        choices=[("join", _("the join date")), ("first_payment", _("the first payment"))],
    )
    arrears_clause = forms.CharField(label=_("clause"), required=False)


class WaitingForm(ClauseChoiceMixin, forms.Form):
    basis = forms.ChoiceField(label=_("measured on"), choices=WAIT_BASIS, initial="membership")
    years = _small_int(_("years"))
    months = _small_int(_("months"))
    days = _small_int(_("days"))
    clause = forms.CharField(label=_("clause"), required=False)


class PlanForm(ClauseChoiceMixin, forms.Form):
    amount = BahtField(label=_("baht"))
    months = forms.IntegerField(label=_("every … months"), min_value=1, max_value=12)
    clause = forms.CharField(label=_("clause"), required=False)


class GroupCapForm(ClauseChoiceMixin, forms.Form):
    name = forms.SlugField(label=_("code"), max_length=40)
    name_th = forms.CharField(label=_("name"), required=False, max_length=200)
    benefits = forms.MultipleChoiceField(
        label=_("benefits sharing the cap"), widget=forms.CheckboxSelectMultiple
    )
    period = forms.ChoiceField(
        label=_("period"),
        choices=[("year", _("per year")), ("lifetime", _("lifetime"))],
        initial="year",
    )
    measure = forms.ChoiceField(label=_("counted in"), choices=MEASURES, initial="amount")
    value = BahtField(label=_("at most"))
    clause = forms.CharField(label=_("clause"), required=False)

    def __init__(self, *args: Any, benefits: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["benefits"].choices = benefits


# --- one benefit -----------------------------------------------------------------------------


class BenefitForm(ClauseChoiceMixin, forms.Form):
    clause_fields = ("clause", "tiers_clause", "cond_clause", "deadline_clause")
    name_th = forms.CharField(label=_("name (Thai)"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=KIND_CHOICES)
    clause = forms.CharField(label=_("clause"), required=False)
    per = forms.ChoiceField(label=_("paid per"), choices=PER_CHOICES)
    amount = BahtField(
        label=_("amount (baht)"),
        required=False,
        positive=False,
        help_text=_("Leave empty when the amount comes from the tiers or levels below."),
    )
    recurring_every = forms.ChoiceField(
        label=_("once granted"),
        required=False,
        choices=[
            ("", _("paid once per claim")),
            ("month", _("paid every month (a pension)")),
            ("year", _("paid every year (a pension)")),
        ],
        help_text=_("A pension is claimed once and then paid every period without a new claim."),
    )
    tiers_basis = forms.ChoiceField(
        label=_("tiers measured on"), required=False, choices=TIER_BASIS
    )
    tiers_clause = forms.CharField(label=_("clause of the tiers"), required=False)
    general_waiting = forms.BooleanField(
        label=_("the general waiting periods apply"), required=False
    )
    sex = forms.ChoiceField(
        label=_("only for"),
        required=False,
        choices=[("", "—"), ("female", _("female")), ("male", _("male"))],
    )
    min_age = _small_int(_("minimum age"))
    max_age = _small_int(_("maximum age"))
    min_grade_average = forms.DecimalField(
        label=_("minimum grade average"), required=False, min_value=0, max_value=4, decimal_places=2
    )
    cond_clause = forms.CharField(label=_("clause of the conditions"), required=False)
    deadline_days = forms.IntegerField(
        label=_("file the claim within (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("Leave empty when the regulation sets no deadline."),
    )
    deadline_from = forms.ChoiceField(
        label=_("counted from"),
        required=False,
        choices=[
            ("event", _("the day of the event")),
            ("discharge", _("the discharge from hospital")),
        ],
    )
    deadline_clause = forms.CharField(label=_("clause of the deadline"), required=False)
    counted_basis = forms.ChoiceField(
        label=_("years counted on"),
        required=False,
        choices=[("", "—"), *WAIT_BASIS],
        help_text=_("For an amount per counted year only."),
    )
    counted_remainder = forms.ChoiceField(
        label=_("a part of a year"),
        required=False,
        choices=[
            ("down", _("only complete years count")),
            ("more_than_half", _("more than half a year counts as a year")),
            ("any", _("any part of a year counts as a year")),
        ],
    )


class BandForm(forms.Form):
    lower_years = _small_int(_("from years"))
    lower_months = _small_int(_("months"))
    lower_days = _small_int(_("days"))
    lower_inclusive = forms.BooleanField(label=_("inclusive"), required=False, initial=True)
    upper_years = _small_int(_("up to years"))
    upper_months = _small_int(_("months"))
    upper_days = _small_int(_("days"))
    upper_inclusive = forms.BooleanField(label=_("inclusive"), required=False, initial=True)
    amount = BahtField(label=_("baht"), positive=False)
    clause = forms.CharField(
        label=_("clause of the tier"), required=False, max_length=20, help_text=_("e.g. 16.2")
    )


class LevelForm(forms.Form):
    level = forms.SlugField(label=_("level code"), max_length=40)
    amount = BahtField(label=_("baht"), positive=False)


class RelativeForm(ClauseChoiceMixin, forms.Form):
    relative = forms.ChoiceField(label=_("for"), choices=RELATIVES, initial="self")
    fraction = forms.DecimalField(
        label=_("share of the member's amount (0–1)"),
        min_value=0,
        max_value=1,
        decimal_places=4,
        initial=1,
    )
    clause = forms.CharField(label=_("clause"), required=False)


class CapForm(ClauseChoiceMixin, forms.Form):
    period = forms.ChoiceField(label=_("period"), choices=PERIODS, initial="event")
    measure = forms.ChoiceField(label=_("counted in"), choices=MEASURES, initial="amount")
    value = BahtField(label=_("at most"))
    clause = forms.CharField(label=_("clause"), required=False)


class EvidenceForm(ClauseChoiceMixin, forms.Form):
    code = forms.SlugField(label=_("code"), max_length=40)
    name_th = forms.CharField(label=_("document (Thai)"), max_length=200)
    name_en = forms.CharField(label=_("document (English)"), required=False, max_length=200)
    clause = forms.CharField(label=_("clause"), required=False)


class NewBenefitForm(ClauseChoiceMixin, forms.Form):
    code = forms.SlugField(label=_("code"), max_length=40, help_text=_("e.g. hospital"))
    kind = forms.ChoiceField(label=_("kind"), choices=KIND_CHOICES)
    name_th = forms.CharField(label=_("name (Thai)"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), required=False, max_length=200)
    clause = forms.CharField(label=_("clause"), required=False)
    per = forms.ChoiceField(label=_("paid per"), choices=PER_CHOICES)
    amount = BahtField(label=_("amount (baht)"), positive=False)


# --- clauses ---------------------------------------------------------------------------------


class ClauseForm(forms.Form):
    number = forms.CharField(label=_("clause number"), max_length=20)
    text_th = forms.CharField(label=_("text (Thai)"), widget=forms.Textarea(attrs={"rows": 5}))
    text_en = forms.CharField(
        label=_("text (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class InterpretationForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=40)
    text_th = forms.CharField(
        label=_("reading (Thai)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    text_en = forms.CharField(
        label=_("reading (English)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    assumption = forms.BooleanField(label=_("not in the text (an assumption)"), required=False)
    resolution = forms.CharField(label=_("adopted by resolution"), required=False, max_length=200)


def formset(form: type[forms.Form], extra: int = 1) -> Any:
    return formset_factory(form, extra=extra, can_delete=True)


WaitingFormSet = formset(WaitingForm)
PlanFormSet = formset(PlanForm)
GroupCapFormSet = formset(GroupCapForm)
BandFormSet = formset(BandForm)
LevelFormSet = formset(LevelForm)
RelativeFormSet = formset(RelativeForm)
CapFormSet = formset(CapForm)
EvidenceFormSet = formset(EvidenceForm)
InterpretationFormSet = formset(InterpretationForm)
