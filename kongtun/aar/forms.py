"""Forms of the lessons-learned pages: thin; the services validate."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kongtun.aar.models import (
    ActionStatus,
    Code,
    QuestionKind,
    SessionKind,
    Study,
    TargetGroup,
    TeamRole,
)
from kongtun.assessment.models import Factor
from kongtun.core.forms import ThaiDateField
from kongtun.development.models import DefaultStage, Stage
from kongtun.funds.models import Fund

User = get_user_model()

#: A transcript file may be at most this big (a long focus group typed in Word is ~200 kB).
MAX_TRANSCRIPT_UPLOAD = 5 * 1024 * 1024


class StudyForm(forms.Form):
    title = forms.CharField(label=_("study title"), max_length=300)
    purpose = forms.CharField(
        label=_("purpose"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    funds = forms.ModelMultipleChoiceField(
        label=_("funds"),
        queryset=Fund.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Funds where you are the chair, the manager or a network coordinator."),
    )

    def __init__(self, *args: object, funds: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if funds is not None:
            self.fields["funds"].queryset = funds


class PhaseForm(forms.Form):
    starts_on = ThaiDateField(label=_("starts on"), required=False)
    ends_on = ThaiDateField(label=_("ends on"), required=False)
    notes = forms.CharField(
        label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class TeamAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("person"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("role"), choices=TeamRole.choices)

    def __init__(self, *args: object, study: Study, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # People who hold a role in one of the study's funds: nobody learns of other logins.
        self.fields["user"].queryset = (
            User.objects.filter(
                fund_roles__fund__in=study.funds.all(), fund_roles__revoked_at__isnull=True
            )
            .distinct()
            .order_by("username")
        )
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=QuestionKind.choices)
    position = forms.IntegerField(label=_("position"), min_value=1, max_value=99)
    text_th = forms.CharField(label=_("question (Thai)"), widget=forms.Textarea(attrs={"rows": 2}))
    text_en = forms.CharField(
        label=_("question (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    probes = forms.CharField(
        label=_("probes"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("One per line."),
    )


class SessionForm(forms.Form):
    fund = forms.ModelChoiceField(label=_("fund"), queryset=Fund.objects.none())
    kind = forms.ChoiceField(label=_("kind of session"), choices=SessionKind.choices)
    title = forms.CharField(label=_("session title"), max_length=300)
    target_group = forms.ChoiceField(label=_("main target group"), choices=TargetGroup.choices)
    held_on = ThaiDateField(label=_("date"))
    place = forms.CharField(label=_("place"), max_length=300, required=False)
    facilitator = forms.ModelChoiceField(
        label=_("facilitator"), queryset=User.objects.none(), required=False
    )
    note_taker = forms.ModelChoiceField(
        label=_("note-taker"), queryset=User.objects.none(), required=False
    )
    stage = forms.ModelChoiceField(
        label=_("SW-NT stage reviewed"), queryset=Stage.objects.none(), required=False
    )
    notes = forms.CharField(
        label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: object, study: Study, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = study.funds.all()
        team = User.objects.filter(
            aar_roles__study=study, aar_roles__revoked_at__isnull=True
        ).distinct()
        for name in ("facilitator", "note_taker"):
            self.fields[name].queryset = team
            self.fields[name].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["stage"].queryset = Stage.objects.filter(
            process__fund__in=study.funds.all()
        ).select_related("process__fund")
        self.fields["stage"].label_from_instance = lambda s: f"{s.process.fund.display_name} · {s}"


class ParticipantForm(forms.Form):
    target_group = forms.ChoiceField(label=_("target group"), choices=TargetGroup.choices)
    occupation = forms.TypedChoiceField(
        label=_("occupation group"), coerce=int, required=False, empty_value=None
    )
    count = forms.IntegerField(label=_("number of people"), min_value=1, max_value=500, initial=1)
    name = forms.CharField(
        label=_("name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for a head count."),
    )
    pseudonym = forms.CharField(label=_("pseudonym"), max_length=100, required=False)
    consent_given = forms.BooleanField(
        label=_("consented to take part and be recorded"), required=False
    )
    consent_named = forms.BooleanField(label=_("consented to be named in reports"), required=False)
    consent_on = ThaiDateField(label=_("consent recorded on"), required=False)

    def __init__(self, *args: object, fund: Fund, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupation"].choices = [("", "—")] + [
            (o.pk, o.display_name if hasattr(o, "display_name") else str(o))
            for o in fund.occupation_groups.all()
        ]


class TranscriptForm(forms.Form):
    title = forms.CharField(label=_("transcript title"), max_length=300, required=False)
    text = forms.CharField(
        label=_("text"),
        widget=forms.Textarea(attrs={"rows": 12, "lang": "th"}),
        required=False,
        strip=False,
        help_text=_(
            "Start each speaker's turn on a new line with the speaker and a colon, "
            "e.g. “ผู้นำชุมชน 1: …”."
        ),
    )
    file = forms.FileField(
        label=_("or a file"),
        required=False,
        help_text=_("A .txt, .docx or .odt file of at most 5 MB."),
    )


class CodeForm(forms.Form):
    name_th = forms.CharField(label=_("name (Thai)"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    definition = forms.CharField(
        label=_("definition"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    colour = forms.CharField(
        label=_("colour"),
        max_length=7,
        initial="#888888",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    parent = forms.ModelChoiceField(
        label=_("parent code"), queryset=Code.objects.none(), required=False
    )

    def __init__(self, *args: object, study: Study, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = study.codes.all()


class MemoForm(forms.Form):
    text = forms.CharField(label=_("memo"), widget=forms.Textarea(attrs={"rows": 3}))


class LessonForm(forms.Form):
    statement = forms.CharField(label=_("lesson"), widget=forms.Textarea(attrs={"rows": 3}))
    recommendation = forms.CharField(
        label=_("recommendation"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    fund = forms.ModelChoiceField(
        label=_("fund"),
        queryset=Fund.objects.none(),
        required=False,
        empty_label=_("every fund of the study"),
    )
    stage = forms.ModelChoiceField(
        label=_("SW-NT stage"), queryset=DefaultStage.objects.all(), required=False
    )
    factors = forms.ModelMultipleChoiceField(
        label=_("factors"),
        queryset=Factor.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence = forms.ModelMultipleChoiceField(
        label=_("evidence"),
        queryset=Code.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, study: Study, segments: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = study.funds.all()
        self.fields["evidence"].queryset = segments
        self.fields["evidence"].label_from_instance = lambda s: (
            f"“{s.text[:120]}” · {s.transcript.session.title}"
        )


class ActionForm(forms.Form):
    description = forms.CharField(label=_("action"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label=_("who will do it"), max_length=200)
    due_on = ThaiDateField(label=_("due on"), required=False)
    status = forms.ChoiceField(label=_("status"), choices=ActionStatus.choices)
