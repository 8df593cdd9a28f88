"""Pages of the self-assessment. Anyone with a role in the fund may answer an open round on
their phone; the secretary and committee type in paper forms (``edit_members``); results and
exports are for the committee and coordinators (``view_members``); rounds and the question bank
are managed by the chair and manager (``manage_fund``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kongtun.aar.selectors import lessons_by_factor
from kongtun.assessment.charts import Series, radar_svg
from kongtun.assessment.evidence import factor_evidence
from kongtun.assessment.exports import results_pdf, results_xlsx
from kongtun.assessment.forms import AnswerForm, CodesForm, PaperGrid, QuestionForm, RoundForm
from kongtun.assessment.models import (
    Answer,
    Factor,
    Question,
    Respondent,
    RespondentGroup,
    Round,
)
from kongtun.assessment.selectors import (
    MIDPOINT,
    WEAKEST,
    comparable_rounds,
    question_in_fund,
    respondent_in_fund,
    respondents_of,
    round_in_fund,
    round_questions,
    round_results,
    rounds_of,
)
from kongtun.assessment.services import (
    answer_field,
    code_display,
    codes_create,
    paper_forms_enter,
    question_add,
    question_bank_install_default,
    question_update,
    respondent_submit,
    respondent_update,
    round_close,
    round_create,
)
from kongtun.assessment.social_security import SCHEME_LABELS, SCHEMES, SOURCES, comparison_on
from kongtun.core.forms import apply_service_errors
from kongtun.core.thaidates import current_lang
from kongtun.funds.access import Cap, FundAccess, fund_access, fund_view


def _round_or_404(access: FundAccess, round_id: int) -> Round:
    rnd = round_in_fund(fund=access.fund, round_id=round_id)
    if rnd is None:
        raise Http404
    return rnd


@fund_view(Cap.VIEW_FUND)
def assessment_home(request: HttpRequest, access: FundAccess) -> HttpResponse:
    rounds = rounds_of(fund=access.fund)
    if not access.can(Cap.VIEW_MEMBERS):
        rounds = rounds.filter(status="open")
    return render(
        request,
        "assessment/home.html",
        {"rounds": rounds, "factors": Factor.objects.order_by("position")},
    )


@fund_view(Cap.VIEW_FUND)
def factor_list(request: HttpRequest, access: FundAccess) -> HttpResponse:
    return render(
        request, "assessment/factors.html", {"factors": Factor.objects.order_by("position")}
    )


@fund_view(Cap.VIEW_MEMBERS)
def question_bank(request: HttpRequest, access: FundAccess) -> HttpResponse:
    can_edit = access.can(Cap.MANAGE_FUND)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if "install_default" in request.POST:
            question_bank_install_default(fund=access.fund)
            messages.success(request, _("The default statements were added to the bank."))
            return redirect("assessment_questions", fund_id=access.fund.pk)
        if form.is_valid():
            try:
                question_add(
                    fund=access.fund,
                    factor=form.cleaned_data["factor"],
                    text_th=form.cleaned_data["text_th"],
                    text_en=form.cleaned_data["text_en"],
                )
                messages.success(request, _("Statement added."))
                return redirect("assessment_questions", fund_id=access.fund.pk)
            except ValidationError as exc:
                apply_service_errors(form, exc)
    questions = list(
        Question.objects.filter(fund=access.fund)
        .select_related("factor")
        .order_by("factor__position", "position", "id")
    )
    answered = set(
        Answer.objects.filter(question__fund=access.fund)
        .values_list("question_id", flat=True)
        .distinct()
    )
    by_factor: list[tuple[Factor, list[Question]]] = []
    for q in questions:
        if not by_factor or by_factor[-1][0].pk != q.factor_id:
            by_factor.append((q.factor, []))
        by_factor[-1][1].append(q)
    return render(
        request,
        "assessment/questions.html",
        {
            "by_factor": by_factor,
            "answered": answered,
            "form": form if can_edit else None,
            "can_edit": can_edit,
        },
        status=400 if form.errors else 200,
    )


@fund_view(Cap.MANAGE_FUND)
def question_edit(request: HttpRequest, access: FundAccess, question_id: int) -> HttpResponse:
    question = question_in_fund(fund=access.fund, question_id=question_id)
    if question is None:
        raise Http404
    form = QuestionForm(
        request.POST or None,
        initial={
            "factor": question.factor_id,
            "text_th": question.text_th,
            "text_en": question.text_en,
            "active": question.active,
        },
    )
    form.fields["factor"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            question_update(
                question=question,
                text_th=form.cleaned_data["text_th"],
                text_en=form.cleaned_data["text_en"],
                active=form.cleaned_data["active"],
            )
            messages.success(request, _("Changes saved."))
            return redirect("assessment_questions", fund_id=access.fund.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(request, "assessment/question_form.html", {"form": form, "question": question})


@fund_view(Cap.MANAGE_FUND)
def round_new(request: HttpRequest, access: FundAccess) -> HttpResponse:
    today = timezone.localdate()
    year = today.year + 543 if current_lang() == "th" else today.year
    form = RoundForm(
        request.POST or None,
        initial={"opened_on": today, "title": _("Self-assessment %(year)s") % {"year": year}},
    )
    if request.method == "POST" and form.is_valid():
        try:
            rnd = round_create(fund=access.fund, actor=request.user, **form.cleaned_data)
            messages.success(
                request, _("Round opened. Share the answer page or type in paper forms.")
            )
            return redirect("assessment_round", fund_id=access.fund.pk, round_id=rnd.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(request, "assessment/round_form.html", {"form": form})


def _comparison(request: HttpRequest, rnd: Round) -> Round | None:
    """The round chosen to compare with (?compare=<id>), if the user may read its results."""
    raw = request.GET.get("compare", "")
    if not raw.isdigit():
        return None
    other = Round.objects.select_related("fund").filter(pk=int(raw)).exclude(pk=rnd.pk).first()
    if other is None:
        return None
    try:
        other_access = fund_access(request.user, other.fund_id)
    except Http404:
        return None
    return other if other_access.can(Cap.VIEW_MEMBERS) else None


def _results_context(request: HttpRequest, access: FundAccess, rnd: Round) -> dict:
    chosen = _comparison(request, rnd)
    results = round_results(rnd, compare_with=chosen)
    series = [Series(str(rnd), results.means(), "#1d6b4f")]
    other = results.previous_round
    if other is not None:
        label = (
            f"{other.fund.display_name} · {other}" if other.fund_id != rnd.fund_id else str(other)
        )
        series.append(Series(label, results.previous_means(), "#b35c1e", dashed=True))
    radar = radar_svg(
        [str(fr.factor.position) for fr in results.factors],
        series,
        title=_("Scores of the 15 enabling factors"),
        highlight={i for i, fr in enumerate(results.factors) if fr.weakest},
    )
    return {
        "round": rnd,
        "results": results,
        "radar": radar,
        "series": series,
        "compared": other,
        "chosen": chosen,
        "evidence": factor_evidence(fund=access.fund, as_of=timezone.localdate()),
        "ss_rows": comparison_on(timezone.localdate()),
        "ss_schemes": [SCHEME_LABELS[s] for s in SCHEMES],
        "ss_sources": SOURCES,
        "weakest_count": WEAKEST,
        "midpoint": MIDPOINT,
        # Lessons learned (kongtun/aar) about this fund, beside the factor they concern.
        "aar_lessons": lessons_by_factor(request.user, access.fund),
    }


@fund_view(Cap.VIEW_MEMBERS)
def round_detail(request: HttpRequest, access: FundAccess, round_id: int) -> HttpResponse:
    rnd = _round_or_404(access, round_id)
    context = _results_context(request, access, rnd)
    context["comparable"] = comparable_rounds(user=request.user, exclude=rnd)
    return render(request, "assessment/results.html", context)


def _export_name(rnd: Round, ext: str) -> str:
    return f"assessment-{slugify(rnd.fund.short_code)}-{rnd.number}.{ext}"


@fund_view(Cap.VIEW_MEMBERS)
def round_export_xlsx(request: HttpRequest, access: FundAccess, round_id: int) -> HttpResponse:
    rnd = _round_or_404(access, round_id)
    results = round_results(rnd, compare_with=_comparison(request, rnd))
    response = HttpResponse(
        results_xlsx(results, lang=current_lang()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(rnd, "xlsx")}"'
    return response


@fund_view(Cap.VIEW_MEMBERS)
def round_export_pdf(request: HttpRequest, access: FundAccess, round_id: int) -> HttpResponse:
    rnd = _round_or_404(access, round_id)
    context = _results_context(request, access, rnd)
    context["LANGUAGE_CODE"] = current_lang()
    response = HttpResponse(results_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(rnd, "pdf")}"'
    return response


@fund_view(Cap.MANAGE_FUND)
@require_POST
def round_close_view(request: HttpRequest, access: FundAccess, round_id: int) -> HttpResponse:
    rnd = _round_or_404(access, round_id)
    try:
        round_close(round=rnd, actor=request.user)
        messages.success(request, _("The round is closed; its answers can no longer be changed."))
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect("assessment_round", fund_id=access.fund.pk, round_id=rnd.pk)


@fund_view(Cap.VIEW_FUND)
def round_answer(request: HttpRequest, access: FundAccess, round_id: int) -> HttpResponse:
    """One questionnaire on a phone. After sending, a fresh form for the next person."""
    rnd = _round_or_404(access, round_id)
    questions = round_questions(round=rnd)
    status = 200
    if request.method == "POST":
        form = AnswerForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                respondent_submit(round=rnd, data=form.to_input(), actor=request.user)
                messages.success(request, _("Thank you: the answers are saved."))
                return redirect("assessment_answer", fund_id=access.fund.pk, round_id=rnd.pk)
            except ValidationError as exc:
                apply_service_errors(form, exc)
        status = 400
    else:
        form = AnswerForm(questions=questions, initial={"group": _default_group(access)})
    answered = Respondent.objects.filter(
        round=rnd, entered_by=request.user, self_answered=True
    ).exists()
    return render(
        request,
        "assessment/answer.html",
        {"round": rnd, "form": form, "scale": _scale_labels(), "answered": answered},
        status=status,
    )


@fund_view(Cap.EDIT_MEMBERS)
def round_codes(request: HttpRequest, access: FundAccess, round_id: int) -> HttpResponse:
    """One-time codes to print on slips and hand out: each answers the round once."""
    rnd = _round_or_404(access, round_id)
    form = CodesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = codes_create(round=rnd, count=form.cleaned_data["count"], actor=request.user)
            messages.success(
                request,
                ngettext(
                    "%(n)s code made; print the slips below.",
                    "%(n)s codes made; print the slips below.",
                    len(made),
                )
                % {"n": len(made)},
            )
            return redirect("assessment_codes", fund_id=access.fund.pk, round_id=rnd.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    codes = list(rnd.codes.order_by("id"))
    return render(
        request,
        "assessment/codes.html",
        {
            "round": rnd,
            "form": form,
            "unused": [code_display(c.code) for c in codes if c.used_at is None],
            "used": sum(1 for c in codes if c.used_at is not None),
        },
    )


def _default_group(access: FundAccess) -> str:
    if access.roles & {
        "chair",
        "vice_chair",
        "treasurer",
        "secretary",
        "auditor",
        "manager",
        "committee",
    }:
        return "committee"
    return "member"


def _scale_labels() -> list[tuple[int, str]]:
    return [
        (1, _("strongly disagree")),
        (2, _("disagree")),
        (3, _("not sure")),
        (4, _("agree")),
        (5, _("strongly agree")),
    ]


@fund_view(Cap.EDIT_MEMBERS)
def round_paper(request: HttpRequest, access: FundAccess, round_id: int) -> HttpResponse:
    """The secretary's grid: many paper forms at once, saved all together or not at all."""
    rnd = _round_or_404(access, round_id)
    questions = round_questions(round=rnd)
    general: list[str] = []
    status = 200
    if request.method == "POST":
        grid = PaperGrid(questions, request.POST)
        if "add_rows" in request.POST:
            grid.row_count = min(grid.row_count + 10, 60)
        elif grid.is_valid():
            try:
                saved = paper_forms_enter(round=rnd, rows=grid.inputs, actor=request.user)
                messages.success(
                    request,
                    _("%(n)s paper forms saved.") % {"n": len(saved)},
                )
                return redirect("assessment_paper", fund_id=access.fund.pk, round_id=rnd.pk)
            except ValidationError as exc:
                general = grid.apply_service_errors(exc)
                status = 400
        else:
            status = 400
    else:
        grid = PaperGrid(questions)
    return render(
        request,
        "assessment/paper.html",
        {
            "round": rnd,
            "grid": grid,
            "questions": questions,
            "general_errors": general,
            "groups": RespondentGroup.choices,
            "entered": rnd.respondents.filter(channel="paper").count(),
        },
        status=status,
    )


@fund_view(Cap.EDIT_MEMBERS)
def round_respondents(request: HttpRequest, access: FundAccess, round_id: int) -> HttpResponse:
    rnd = _round_or_404(access, round_id)
    return render(
        request,
        "assessment/respondents.html",
        {"round": rnd, "respondents": respondents_of(round=rnd)},
    )


@fund_view(Cap.EDIT_MEMBERS)
def respondent_edit(
    request: HttpRequest, access: FundAccess, round_id: int, respondent_id: int
) -> HttpResponse:
    respondent = respondent_in_fund(
        fund=access.fund, round_id=round_id, respondent_id=respondent_id
    )
    if respondent is None:
        raise Http404
    rnd = respondent.round
    questions = round_questions(round=rnd)
    paper = respondent.channel == "paper"
    status = 200
    if request.method == "POST":
        form = AnswerForm(request.POST, questions=questions, paper=paper, with_code=False)
        if form.is_valid():
            try:
                data = form.to_input()
                data.submission_key = None
                respondent_update(respondent=respondent, data=data)
                messages.success(request, _("Changes saved."))
                return redirect("assessment_respondents", fund_id=access.fund.pk, round_id=rnd.pk)
            except ValidationError as exc:
                apply_service_errors(form, exc)
        status = 400
    else:
        values = dict(respondent.answers.values_list("question_id", "value"))
        initial = {
            "group": respondent.group,
            "name": respondent.name,
            "paper_form_number": respondent.paper_form_number,
            **{answer_field(q.pk): str(values[q.pk]) for q in questions if q.pk in values},
        }
        form = AnswerForm(questions=questions, paper=paper, initial=initial, with_code=False)
        form.initial["submission_key"] = None
    return render(
        request,
        "assessment/answer.html",
        {"round": rnd, "form": form, "scale": _scale_labels(), "respondent": respondent},
        status=status,
    )
