from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kongtun.core.forms import ThaiDateField
from kongtun.development.models import (
    ActivityKind,
    ActivityStatus,
    DevelopmentProcess,
    ParticipantGroup,
    StageStatus,
)
from kongtun.development.services import (
    ActivityInput,
    ParticipationInput,
    StageInput,
)
from kongtun.funds.models import Fund


class ProcessForm(forms.Form):
    started_on = ThaiDateField(label=_("started on"))
    working_team = forms.CharField(
        label=_("working team"),
        max_length=300,
        required=False,
        help_text=_("Who accompanies the community, e.g. the academic centre and its partners."),
    )
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FoundingForm(forms.Form):
    founded_on = ThaiDateField(label=_("fund founded on"))
    founding_note = forms.CharField(
        label=_("founding meeting"),
        max_length=300,
        required=False,
        help_text=_("Which meeting founded the fund, e.g. the first general assembly."),
    )


class StageForm(forms.Form):
    position = forms.IntegerField(label=_("position"), min_value=1, max_value=99, required=False)
    name_th = forms.CharField(label=_("name (Thai)"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    quote_th = forms.CharField(
        label=_("description (Thai)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    quote_en = forms.CharField(
        label=_("description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    status = forms.ChoiceField(label=_("status"), choices=StageStatus.choices)
    started_on = ThaiDateField(label=_("started on"), required=False)
    completed_on = ThaiDateField(label=_("completed on"), required=False)
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def to_input(self) -> StageInput:
        d = self.cleaned_data
        return StageInput(
            name_th=d["name_th"],
            name_en=d["name_en"],
            quote_th=d["quote_th"],
            quote_en=d["quote_en"],
            status=d["status"],
            started_on=d["started_on"],
            completed_on=d["completed_on"],
            notes=d["notes"],
            position=d["position"],
        )


class ActivityForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("stage"), queryset=None)
    kind = forms.ChoiceField(label=_("kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    held_on = ThaiDateField(label=_("date"))
    ends_on = ThaiDateField(
        label=_("until"), required=False, help_text=_("For activities of several days.")
    )
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("status"), choices=ActivityStatus.choices)
    notes = forms.CharField(
        label=_("notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was discussed and agreed."),
    )

    def __init__(self, *args: object, process: DevelopmentProcess, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = process.stages.order_by("position", "id")
        self.fields["stage"].empty_label = None

    def to_input(self, participants: list[ParticipationInput]) -> ActivityInput:
        d = self.cleaned_data
        return ActivityInput(
            kind=d["kind"],
            title=d["title"],
            held_on=d["held_on"],
            ends_on=d["ends_on"],
            place=d["place"],
            status=d["status"],
            notes=d["notes"],
            participants=participants,
        )


class ParticipationForm(forms.Form):
    group = forms.ChoiceField(
        label=_("group"), choices=[("", "—"), *ParticipantGroup.choices], required=False
    )
    occupation = forms.ModelChoiceField(
        label=_("occupation group"),
        queryset=None,
        required=False,
        help_text=_("Only for informal workers."),
    )
    count = forms.IntegerField(
        label=_("number of people"),
        min_value=1,
        max_value=5000,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label=pgettext_lazy("participants", "who"), max_length=300, required=False
    )

    def __init__(self, *args: object, fund: Fund, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = fund.occupation_groups.filter(active=True)
        self.fields["occupation"].empty_label = "—"

    def clean(self) -> dict:
        data = super().clean()
        if data.get("group") and not data.get("count"):
            self.add_error("count", _("Enter how many people took part."))
        if data.get("count") and not data.get("group"):
            self.add_error("group", _("Choose the group."))
        return data


class _BaseParticipationFormSet(forms.BaseFormSet):
    def __init__(self, *args: object, fund: Fund, **kwargs: object) -> None:
        self.fund = fund
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict:
        return {**super().get_form_kwargs(index), "fund": self.fund}

    @property
    def empty_form(self) -> forms.Form:  # pragma: no cover - not rendered
        return self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), fund=self.fund)


ParticipationFormSet = forms.formset_factory(
    ParticipationForm, formset=_BaseParticipationFormSet, extra=2, max_num=30
)


def participants_from(formset: forms.BaseFormSet) -> list[ParticipationInput]:
    return [
        ParticipationInput(
            group=f.cleaned_data["group"],
            count=f.cleaned_data["count"],
            occupation_id=f.cleaned_data["occupation"].pk
            if f.cleaned_data.get("occupation")
            else None,
            note=f.cleaned_data.get("note", ""),
        )
        for f in formset.forms
        if f.cleaned_data.get("group")
    ]


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("file"))
    description = forms.CharField(
        label=_("what it is"),
        max_length=300,
        required=False,
        help_text=_("e.g. minutes, attendance sheet, photo of the meeting"),
    )
