from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kongtun.core.forms import ThaiDateField
from kongtun.funds.models import Fund
from kongtun.governance.models import MeetingKind, Position, Resolution
from kongtun.governance.selectors import resolution_choices
from kongtun.members.models import Member


def resolution_select_choices(
    fund: Fund,
    *,
    on_or_before: dt.date | None = None,
    on_or_after: dt.date | None = None,
    topic_first: str | None = None,
    first_label: object = "",
    others_label: object = "",
) -> list[tuple[str, object]]:
    """The choices of a resolution select, newest first. With ``topic_first``, the resolutions
    of that topic come first in their own group and the others follow in a second group (a
    meeting may have recorded the decision under another topic)."""
    span = {"on_or_before": on_or_before, "on_or_after": on_or_after}
    every = [(str(pk), label) for pk, label in resolution_choices(fund, **span)]
    if not topic_first or not every:
        return [("", "—"), *every]
    first = {str(pk) for pk, _label in resolution_choices(fund, topic=topic_first, **span)}
    top = [c for c in every if c[0] in first]
    rest = [c for c in every if c[0] not in first]
    if not top or not rest:
        return [("", "—"), *every]
    return [("", "—"), (first_label, top), (others_label, rest)]


class ResolutionSelect(forms.ChoiceField):
    """A select of the fund's resolutions (newest first); cleans to the Resolution.

    ``on_or_before`` leaves out resolutions of later meetings; ``topic_first`` groups that
    topic's resolutions first (``first_label``) before the others (``others_label``)."""

    default_error_messages = {"invalid_choice": _("Choose one of this fund's resolutions.")}

    def __init__(
        self,
        *,
        fund: Fund,
        on_or_before: dt.date | None = None,
        on_or_after: dt.date | None = None,
        topic_first: str | None = None,
        first_label: object = "",
        others_label: object = "",
        **kwargs: object,
    ) -> None:
        self.fund = fund
        super().__init__(
            choices=resolution_select_choices(
                fund,
                on_or_before=on_or_before,
                on_or_after=on_or_after,
                topic_first=topic_first,
                first_label=first_label,
                others_label=others_label,
            ),
            **kwargs,
        )

    @property
    def has_resolutions(self) -> bool:
        return len(self.choices) > 1

    def clean(self, value: object) -> Resolution | None:
        value = super().clean(value)
        if not value:
            return None
        try:
            return Resolution.objects.select_related("meeting").get(pk=int(value), fund=self.fund)
        except (Resolution.DoesNotExist, ValueError):
            raise forms.ValidationError(_("Choose one of this fund's resolutions.")) from None


class CommitteeDateForm(forms.Form):
    on = ThaiDateField(label=_("committee on"), required=False)


class TermForm(forms.Form):
    position = forms.ChoiceField(
        label=pgettext_lazy("committee", "position"), choices=Position.choices
    )
    person_name = forms.CharField(
        label=_("name"),
        max_length=200,
        required=False,
        help_text=_("Left empty: the member's or the login's name."),
    )
    member_number = forms.CharField(label=_("member number"), max_length=30, required=False)
    username = forms.CharField(
        label=_("login (username)"),
        max_length=150,
        required=False,
        help_text=_("The person's login, if they use Kongtun."),
    )
    grant_role = forms.BooleanField(
        label=_("Give this login the position's role in the fund"), required=False, initial=True
    )
    start_date = ThaiDateField(label=_("in office from"))

    def __init__(self, *args: object, fund: Fund, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fund = fund
        self.fields["resolution"] = ResolutionSelect(
            fund=fund, label=_("appointed by resolution"), required=True
        )

    def clean_member_number(self) -> Member | None:
        number = self.cleaned_data["member_number"].strip()
        if not number:
            return None
        member = Member.objects.filter(fund=self.fund, number=number).first()
        if member is None:
            raise forms.ValidationError(_("No member with this number in this fund."))
        return member

    def clean_username(self) -> object:
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        User = get_user_model()
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise forms.ValidationError(_("No active user with this username.")) from None


class TermEndForm(forms.Form):
    end_date = ThaiDateField(label=_("last day in office"))
    reason = forms.CharField(label=_("why the term ended"), max_length=300)

    def __init__(self, *args: object, fund: Fund, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolution"] = ResolutionSelect(
            fund=fund, label=_("ended by resolution"), required=True
        )


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of meeting"), choices=MeetingKind.choices)
    date = ThaiDateField(label=_("date"))
    title = forms.CharField(
        label=pgettext_lazy("document", "title"), max_length=200, required=False
    )
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One item per line."),
    )


class MeetingEditForm(forms.Form):
    date = ThaiDateField(label=_("date"))
    title = forms.CharField(
        label=pgettext_lazy("document", "title"), max_length=200, required=False
    )
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One item per line."),
    )
    minutes = forms.CharField(
        label=_("minutes"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )


class AttendanceForm(forms.Form):
    guests = forms.CharField(
        label=_("others present (one name per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    members_present = forms.IntegerField(
        label=_("members present"), min_value=0, max_value=1_000_000, required=False
    )

    def __init__(self, *args: object, terms: list, assembly: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["terms"] = forms.MultipleChoiceField(
            label=_("committee members present"),
            choices=[(str(t.pk), f"{t.get_position_display()} · {t.person_name}") for t in terms],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.order_fields(["terms", "members_present", "guests"])
        if not assembly:
            del self.fields["members_present"]
        else:
            self.fields["members_present"].required = True


class ResolutionForm(forms.Form):
    agenda_item = forms.IntegerField(
        label=_("agenda item"), min_value=1, max_value=99, required=False
    )
    topic = forms.ChoiceField(label=_("topic"), choices=Resolution.Topic.choices)
    title = forms.CharField(label=pgettext_lazy("document", "title"), max_length=200)
    text = forms.CharField(
        label=_("resolution"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    votes_for = forms.IntegerField(label=_("votes for"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("votes against"), min_value=0, required=False)
    abstentions = forms.IntegerField(label=_("abstentions"), min_value=0, required=False)


class PolicyForm(forms.Form):
    committee_quorum_percent = forms.IntegerField(
        label=_("committee meetings: percent of the committee in office"),
        min_value=1,
        max_value=100,
    )
    committee_quorum_more_than = forms.BooleanField(
        label=_("committee: more than that share (not just equal to it)"), required=False
    )
    assembly_quorum_percent = forms.IntegerField(
        label=_("general assemblies: percent of active members"), min_value=1, max_value=100
    )
    assembly_quorum_more_than = forms.BooleanField(
        label=_("general assembly: more than that share (not just equal to it)"), required=False
    )
