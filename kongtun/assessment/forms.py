from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kongtun.assessment.models import (
    SCALE_MAX,
    SCALE_MIN,
    Channel,
    Factor,
    Question,
    RespondentGroup,
)
from kongtun.assessment.services import (
    CODES_MAX_AT_ONCE,
    OUT_OF_SCALE,
    RespondentInput,
    answer_field,
)
from kongtun.core.forms import ThaiDateField

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
SCALE_CHOICES = [(str(v), str(v)) for v in range(SCALE_MIN, SCALE_MAX + 1)]


def parse_scale(raw: object) -> int | None:
    """'4', '๔' → 4; '' → None; anything else → ValueError. '0' and '6' parse (as 0 and 6):
    the service refuses them with the field named."""
    text = str(raw or "").translate(_THAI_DIGITS).strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


class RoundForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    opened_on = ThaiDateField(label=_("date"))
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class QuestionForm(forms.Form):
    factor = forms.ModelChoiceField(label=_("factor"), queryset=Factor.objects.order_by("position"))
    text_th = forms.CharField(label=_("statement (Thai)"), max_length=300)
    text_en = forms.CharField(label=_("statement (English)"), max_length=300, required=False)
    active = forms.BooleanField(label=_("in use"), required=False, initial=True)


class AnswerForm(forms.Form):
    """One questionnaire on a phone: the group, an optional name, one row of radio buttons per
    statement. The answers are checked again by the service (1–5, once per named person)."""

    group = forms.ChoiceField(
        label=_("I answer as"), choices=RespondentGroup.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(
        label=_("name (optional)"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to answer anonymously. A named person answers once per round."),
    )
    paper_form_number = forms.CharField(label=_("paper form number"), max_length=20, required=False)
    code = forms.CharField(
        label=_("code from a paper slip"),
        max_length=20,
        required=False,
        help_text=_(
            "Answering on someone else's phone? Enter the code from the slip the committee "
            "gave you; each code answers once. Leave empty to answer as yourself."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: object,
        questions: list[Question],
        paper: bool = False,
        with_code: bool = True,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.paper = paper
        if not paper:
            del self.fields["paper_form_number"]
        if paper or not with_code:
            del self.fields["code"]
        for q in questions:
            self.fields[answer_field(q.pk)] = forms.CharField(
                label=q.text, required=False, widget=forms.RadioSelect(choices=SCALE_CHOICES)
            )
        if not self.is_bound and "submission_key" in self.fields:
            self.initial.setdefault("submission_key", uuid.uuid4())

    def clean(self) -> dict:
        data = super().clean()
        for q in self.questions:
            name = answer_field(q.pk)
            try:
                data[name] = parse_scale(self.data.get(self.add_prefix(name)))
            except ValueError:
                self.add_error(name, OUT_OF_SCALE)
        return data

    def rows(self) -> list[tuple[Factor, list[tuple[int, forms.BoundField]]]]:
        """The statement fields, numbered, grouped under their factor, in the round's order."""
        out: list[tuple[Factor, list[tuple[int, forms.BoundField]]]] = []
        for n, q in enumerate(self.questions, 1):
            if not out or out[-1][0].pk != q.factor_id:
                out.append((q.factor, []))
            out[-1][1].append((n, self[answer_field(q.pk)]))
        return out

    def error_summary(self) -> list[str]:
        """Every error as one line naming its field; statements by their number."""
        numbers = {answer_field(q.pk): n for n, q in enumerate(self.questions, 1)}
        out = [str(e) for e in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            if name in numbers:
                where = gettext("statement %(n)s") % {"n": numbers[name]}
            else:
                where = str(self.fields[name].label) if name in self.fields else name
            out += [f"{where}: {e}" for e in errors]
        return out

    def to_input(self) -> RespondentInput:
        d = self.cleaned_data
        return RespondentInput(
            group=d["group"],
            name=d.get("name", ""),
            channel=Channel.PAPER if self.paper else Channel.PHONE,
            paper_form_number=d.get("paper_form_number", "") or "",
            submission_key=d.get("submission_key"),
            code=d.get("code", "") or "",
            answers={q.pk: d.get(answer_field(q.pk)) for q in self.questions},
        )


GRID_DEFAULT_ROWS = 10
GRID_MAX_ROWS = 60


class PaperGrid:
    """The secretary's grid: one row per paper form, one cell per statement. A row with nothing
    typed is skipped. Cells that are not digits are refused here; digits outside 1–5 are refused
    by the service, both naming the row and the question."""

    def __init__(self, questions: list[Question], data: QueryDict | None = None, rows: int = 0):
        self.questions = questions
        self.data = data
        count = rows or GRID_DEFAULT_ROWS
        if data is not None:
            try:
                count = int(data.get("rows", count))
            except ValueError:
                count = GRID_DEFAULT_ROWS
        self.row_count = max(1, min(count, GRID_MAX_ROWS))
        self.row_errors: dict[int, list[str]] = {}
        self.inputs: list[RespondentInput] = []

    def cell(self, row: int, name: str) -> str:
        return (self.data.get(f"r{row}-{name}", "") if self.data is not None else "").strip()

    def rows(self) -> list[dict]:
        out = []
        for i in range(1, self.row_count + 1):
            out.append(
                {
                    "n": i,
                    "form": self.cell(i, "form"),
                    "group": self.cell(i, "group") or RespondentGroup.MEMBER,
                    "name": self.cell(i, "name"),
                    "cells": [(q, self.cell(i, f"q{q.pk}")) for q in self.questions],
                    "errors": self.row_errors.get(i, []),
                }
            )
        return out

    def factor_spans(self) -> list[tuple[Factor, int]]:
        """(factor, number of its statements) for the grid's header."""
        out: list[tuple[Factor, int]] = []
        for q in self.questions:
            if out and out[-1][0].pk == q.factor_id:
                out[-1] = (out[-1][0], out[-1][1] + 1)
            else:
                out.append((q.factor, 1))
        return out

    def is_valid(self) -> bool:
        assert self.data is not None
        for i in range(1, self.row_count + 1):
            raw = {q.pk: self.cell(i, f"q{q.pk}") for q in self.questions}
            if not any(raw.values()) and not self.cell(i, "form") and not self.cell(i, "name"):
                continue
            answers: dict[int, int | None] = {}
            for pos, q in enumerate(self.questions, 1):
                try:
                    answers[q.pk] = parse_scale(raw[q.pk])
                except ValueError:
                    self.row_errors.setdefault(i, []).append(
                        gettext("Row %(row)s, question %(n)s: %(message)s")
                        % {"row": i, "n": pos, "message": str(OUT_OF_SCALE)}
                    )
            self.inputs.append(
                RespondentInput(
                    group=self.cell(i, "group"),
                    name=self.cell(i, "name"),
                    channel=Channel.PAPER,
                    paper_form_number=self.cell(i, "form"),
                    answers=answers,
                    row=i,
                )
            )
        return not self.row_errors

    def apply_service_errors(self, exc: ValidationError) -> list[str]:
        """Put the service's ``row_<n>`` errors on their grid rows; other errors are returned
        for the top of the page."""
        general = []
        for key, messages in exc.message_dict.items():
            if key.startswith("row_"):
                self.row_errors.setdefault(int(key[4:]), []).extend(messages)
            else:
                general.extend(messages)
        return general


class CodesForm(forms.Form):
    count = forms.IntegerField(
        label=_("how many codes"), min_value=1, max_value=CODES_MAX_AT_ONCE, initial=30
    )
