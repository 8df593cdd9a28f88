"""Keyword in context over a study's transcripts (decision 0023): the Thai word is found inside
unspaced text through the word index (``search.kwic_search``)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kongtun.aar.access import StudyAccess, StudyCap, study_view
from kongtun.aar.qda import Redactor
from kongtun.aar.search import KwicHit, kwic_search


class KwicForm(forms.Form):
    q = forms.CharField(label=_("word or phrase"), max_length=100, strip=True)
    context = forms.TypedChoiceField(
        label=_("characters either side"),
        choices=[(20, "20"), (40, "40"), (80, "80")],
        coerce=int,
        initial=40,
        required=False,
    )


@study_view(StudyCap.READ)
def kwic(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    data = request.GET.copy() if request.GET else None
    if data is not None and not data.get("context"):
        data["context"] = "40"
    form = KwicForm(data)
    result = None
    if form.is_valid():
        result = kwic_search(
            sa.study,
            form.cleaned_data["q"],
            context=form.cleaned_data["context"] or 40,
            sessions=sa.sessions(),
        )
        if not sa.sees_names:  # a committee reader: names only with consent
            redact = Redactor(sa.study)
            result.hits = [
                KwicHit(
                    **{
                        **h.__dict__,
                        "before": redact.text(h.before),
                        "match": redact.text(h.match),
                        "after": redact.text(h.after),
                        "speaker": redact.text(h.speaker),
                    }
                )
                for h in result.hits
            ]
    return render(
        request,
        "aar/kwic.html",
        {"sa": sa, "study": sa.study, "fund": sa.fund, "form": form, "result": result},
    )
