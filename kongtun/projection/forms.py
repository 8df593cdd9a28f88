"""The assumptions form: every rate of the projection, editable, with where it comes from.

Fields only parse numbers; the checks (ranges, memory) are the engine's (one place), and the
service hands its refusals back to the fields. Percentages are typed as percentages and become
fractions here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from kongtun.core.forms import BahtField
from kongtun.projection import rates
from kongtun.projection.engine import ENTRANT_GROUPS, Assumptions

MAX_UPLOAD_BYTES = 512 * 1024


@dataclass(frozen=True)
class Spec:
    name: str
    label: object
    unit: str  # percent | number | int
    help: object = ""


NUMBER = {"inputmode": "decimal", "autocomplete": "off"}

MONEY = (
    Spec(
        "compliance",
        _("Contributions actually paid"),
        "percent",
        _("share of the contributions due (%)"),
    ),
    Spec(
        "matching_local",
        _("Local-government matching"),
        "percent",
        _("share of members' contributions (%)"),
    ),
    Spec(
        "matching_central",
        _("Central-government (CODI) matching"),
        "percent",
        _("share of members' contributions (%)"),
    ),
    Spec(
        "matching_local_cap",
        _("Local matching: at most, per member a year"),
        "number",
        _("baht (0: no limit)"),
    ),
    Spec(
        "matching_central_cap",
        _("Central matching: at most, per member a year"),
        "number",
        _("baht (0: no limit; CODI: 365)"),
    ),
    Spec(
        "matching_local_per_member",
        _("Local matching: a fixed amount per member"),
        "number",
        _("baht a member a year, whatever they pay"),
    ),
    Spec(
        "matching_central_per_member",
        _("Central matching: a fixed amount per member"),
        "number",
        _("baht a member a year, whatever they pay"),
    ),
    Spec(
        "matching_growth",
        _("Change of matching money each year"),
        "percent",
        _("a year (%), not below −100"),
    ),
    Spec("interest_rate", _("Interest on the balance"), "percent", _("a year (%)")),
    Spec("admin_share", _("Administration costs"), "percent", _("share of money in (%)")),
)
MEMBERS = (
    Spec("new_members", _("New members in the first year"), "number", _("members a year")),
    Spec(
        "new_members_growth",
        _("Change of new members each year"),
        "percent",
        _("a year (%), not below −100"),
    ),
    Spec("exit_rate", _("Members who resign each year"), "percent", _("members a year (%)")),
    Spec("entrant_female_share", _("Women among new members"), "percent", "%"),
)
HEALTH = (
    Spec(
        "admissions_under60", _("Hospital admissions, under 60"), "number", _("per person a year")
    ),
    Spec(
        "admissions_60plus", _("Hospital admissions, 60 and over"), "number", _("per person a year")
    ),
    Spec("mean_nights", _("Average nights per stay"), "number", _("nights")),
    Spec("outpatient_under60", _("Outpatient visits, under 60"), "number", _("per person a year")),
    Spec(
        "outpatient_60plus", _("Outpatient visits, 60 and over"), "number", _("per person a year")
    ),
)
FERTILITY = (Spec("tfr", _("Total fertility rate"), "number", _("children per woman")),)
RELATIVES = (
    Spec("married_share", _("Members with a living spouse"), "percent", "%"),
    Spec("parent_age_gap", _("Age of a parent at the member's birth"), "int", _("years")),
    Spec("child_age_gap", _("Age of a member at a child's birth"), "int", _("years")),
)
OTHER_EVENTS = (
    Spec("disability_rate", _("Disability"), "percent", _("members a year (%)")),
    Spec("education_rate", _("Scholarships"), "percent", _("members a year (%)")),
    Spec("disaster_rate", _("Disaster"), "percent", _("members a year (%)")),
    Spec("other_rate", _("Other benefits"), "percent", _("members a year (%)")),
)
MORTALITY = (
    Spec("mortality_multiplier", _("Members' mortality compared with Thailand's"), "percent", "%"),
)
ALL_SPECS = MONEY + MEMBERS + HEALTH + FERTILITY + RELATIVES + OTHER_EVENTS + MORTALITY


def _number_field(spec: Spec) -> forms.Field:
    if spec.unit == "int":
        return forms.IntegerField(
            label=spec.label, help_text=spec.help, widget=forms.TextInput(attrs=NUMBER)
        )
    return forms.FloatField(
        label=spec.label, help_text=spec.help, widget=forms.TextInput(attrs=NUMBER)
    )


def _show(value: float, unit: str) -> float | int:
    if unit == "percent":
        return round(value * 100, 6)
    if unit == "int":
        return int(value)
    return value


class ProjectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    sources = forms.MultipleChoiceField(
        label=_("Regulations to project"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    upload = forms.FileField(
        label=_("Or a draft as a YAML file"),
        required=False,
        help_text=_("The regulation format of Kongtun (docs/regulation-format.md)."),
    )
    paste = forms.CharField(
        label=_("Or paste a draft (YAML)"),
        required=False,
        max_length=MAX_UPLOAD_BYTES,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    years = forms.IntegerField(
        label=_("Years"), help_text=_("1 to 100"), widget=forms.TextInput(attrs=NUMBER)
    )
    scenarios = forms.IntegerField(
        label=_("Scenarios"),
        help_text=_("Futures drawn at random; more is smoother and slower."),
        widget=forms.TextInput(attrs=NUMBER),
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        help_text=_("The same seed draws the same futures."),
        widget=forms.TextInput(attrs=NUMBER),
    )
    opening_balance = BahtField(label=_("Money in the fund today"), positive=False)
    mortality_improvement = forms.BooleanField(
        label=_("Mortality falls over the years as the UN projects"), required=False
    )

    def __init__(
        self, *args, sources: list[tuple[str, str]], initial_assumptions: Assumptions, **kwargs
    ):
        a = initial_assumptions
        initial = {
            "years": a.years,
            "scenarios": a.scenarios,
            "seed": a.seed,
            "opening_balance": a.opening_balance,
            "mortality_improvement": a.mortality_improvement,
        }
        for spec in ALL_SPECS:
            initial[spec.name] = _show(getattr(a, spec.name), spec.unit)
        for g in ENTRANT_GROUPS:
            initial[f"entrant_ages_{g}"] = a.entrant_ages.get(g, 0.0)
        for g in rates.FERTILITY_GROUPS:
            initial[f"pasfr_{g}"] = a.pasfr.get(g, 0.0)
        for s in rates.SEXES:
            for i, v in enumerate(a.mx[s]):
                initial[f"mx_{s}_{i}"] = v
        initial.update(kwargs.pop("initial", None) or {})
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["sources"].choices = sources
        for spec in ALL_SPECS:
            self.fields[spec.name] = _number_field(spec)
        for g in ENTRANT_GROUPS:
            self.fields[f"entrant_ages_{g}"] = forms.FloatField(
                label=f"{g}–{g + 4}", widget=forms.TextInput(attrs=NUMBER)
            )
        for g in rates.FERTILITY_GROUPS:
            self.fields[f"pasfr_{g}"] = forms.FloatField(
                label=f"{g}–{g + 4}", widget=forms.TextInput(attrs=NUMBER)
            )
        for s in rates.SEXES:
            for i, label in enumerate(rates.MX_LABELS):
                self.fields[f"mx_{s}_{i}"] = forms.FloatField(
                    label=label, widget=forms.TextInput(attrs={**NUMBER, "class": "mx"})
                )
        self.base = a

    # ---- groups for the template ------------------------------------------------------------
    def group(self, specs: tuple[Spec, ...]) -> list[forms.BoundField]:
        return [self[s.name] for s in specs]

    def money(self):
        return self.group(MONEY)

    def members(self):
        return self.group(MEMBERS)

    def health(self):
        return self.group(HEALTH)

    def fertility(self):
        return self.group(FERTILITY)

    def relatives(self):
        return self.group(RELATIVES)

    def other_events(self):
        return self.group(OTHER_EVENTS)

    def mortality(self):
        return self.group(MORTALITY)

    def entrant_ages(self):
        return [self[f"entrant_ages_{g}"] for g in ENTRANT_GROUPS]

    def pasfr(self):
        return [self[f"pasfr_{g}"] for g in rates.FERTILITY_GROUPS]

    def mx_rows(self):
        return [
            (label, self[f"mx_F_{i}"], self[f"mx_M_{i}"]) for i, label in enumerate(rates.MX_LABELS)
        ]

    def clean_upload(self):
        f = self.cleaned_data.get("upload")
        if f and f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 512 KB)."))
        return f

    def upload_text(self) -> str | None:
        f = self.cleaned_data.get("upload")
        if not f:
            return None
        raw = f.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.add_error("upload", _("The file is not UTF-8 text."))
            return None

    def to_assumptions(self, start) -> Assumptions:
        """The base assumptions with every field of the form applied (percent → fraction)."""
        d = self.cleaned_data
        a = Assumptions.from_dict(self.base.to_dict())
        a.start = start
        a.years = d["years"]
        a.scenarios = d["scenarios"]
        if d.get("seed") is not None:
            a.seed = d["seed"]
        a.opening_balance = float(d["opening_balance"])
        a.mortality_improvement = bool(d.get("mortality_improvement"))
        for spec in ALL_SPECS:
            v = d[spec.name]
            setattr(a, spec.name, v / 100.0 if spec.unit == "percent" else v)
        a.entrant_ages = {g: d[f"entrant_ages_{g}"] for g in ENTRANT_GROUPS}
        a.pasfr = {g: d[f"pasfr_{g}"] for g in rates.FERTILITY_GROUPS}
        a.mx = {s: [d[f"mx_{s}_{i}"] for i in range(len(rates.MX_GROUPS))] for s in rates.SEXES}
        return a
