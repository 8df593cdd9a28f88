"""A round's results as a spreadsheet (openpyxl) and a PDF (WeasyPrint, Sarabun font).

Neither holds a respondent's name: answers are listed by respondent number and group only.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kongtun.assessment.models import Answer, Respondent
from kongtun.assessment.selectors import RoundResults, round_questions
from kongtun.core.spreadsheet import safe_workbook
from kongtun.core.thaidates import format_date

BOLD = Font(bold=True)
WEAK_FILL = PatternFill("solid", fgColor="FDEAEA")
HEAD_FILL = PatternFill("solid", fgColor="E8F1EC")


def _r(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def _sheet_title(text: str) -> str:
    for ch in "[]:*?/\\":
        text = text.replace(ch, " ")
    return text[:31]


def _header(ws: object, row: list[str]) -> None:
    ws.append(row)
    for cell in ws[ws.max_row]:
        cell.font = BOLD
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def results_xlsx(results: RoundResults, *, lang: str) -> bytes:
    rnd = results.round
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(_("Results by factor"))
    ws.append([f"{rnd.fund.display_name} · {rnd.number}. {rnd.title}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(
        [
            _("date"),
            format_date(rnd.opened_on, lang, "long"),
            _("respondents"),
            results.respondents,
            _("status"),
            rnd.get_status_display(),
        ]
    )
    comparison = results.previous_round
    ws.append(
        [
            _("compared with"),
            f"{comparison.fund.display_name} · {comparison.number}. {comparison.title}"
            if comparison
            else "—",
        ]
    )
    ws.append([])
    head = [
        "#",
        _("letter"),
        _("factor (Thai)"),
        _("factor (English)"),
        _("respondents (n)"),
        _("mean score"),
        _("standard deviation"),
        _("compared score"),
        _("change"),
        _("weakest"),
    ]
    for _code, label in results.groups:
        head += [f"{label}: {_('mean')}", f"{label}: n"]
    head.append(_("recommendation"))
    _header(ws, head)
    for fr in results.factors:
        f = fr.factor
        row = [
            f.position,
            f.letter,
            f.name_th,
            f.name_en,
            fr.total.n,
            _r(fr.total.mean),
            _r(fr.total.sd),
            _r(fr.previous),
            _r(fr.delta),
            _("yes") if fr.weakest else "",
        ]
        for code, _label in results.groups:
            st = fr.by_group.get(code)
            row += [_r(st.mean) if st else None, st.n if st else 0]
        row.append(f.recommendation if fr.weakest else "")
        ws.append(row)
        if fr.weakest:
            for cell in ws[ws.max_row]:
                cell.fill = WEAK_FILL
    for col, width in enumerate([4, 6, 34, 30, 10, 9, 9, 9, 8, 8], 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.column_dimensions[get_column_letter(len(head))].width = 60
    ws.freeze_panes = "C6"

    # The statements of the round.
    questions = round_questions(round=rnd)
    wq = wb.create_sheet(_sheet_title(_("Statements")))
    _header(
        wq,
        [
            "#",
            _("factor (Thai)"),
            _("factor (English)"),
            _("statement (Thai)"),
            _("statement (English)"),
        ],
    )
    for i, q in enumerate(questions, 1):
        wq.append([i, q.factor.name_th, q.factor.name_en, q.text_th, q.text_en])
    for col, width in enumerate([4, 30, 28, 60, 60], 1):
        wq.column_dimensions[get_column_letter(col)].width = width

    # The answers, one row per respondent, without names.
    wa = wb.create_sheet(_sheet_title(_("Answers")))
    _header(
        wa,
        [
            _("respondent"),
            _("group"),
            _("channel"),
            *[str(i) for i in range(1, len(questions) + 1)],
        ],
    )
    index = {q.pk: i for i, q in enumerate(questions)}
    answers: dict[int, list] = {}
    for rid, qid, value in Answer.objects.filter(respondent__round=rnd).values_list(
        "respondent_id", "question_id", "value"
    ):
        answers.setdefault(rid, [None] * len(questions))[index[qid]] = value
    for n, resp in enumerate(Respondent.objects.filter(round=rnd).order_by("id"), 1):
        wa.append(
            [n, resp.get_group_display(), resp.get_channel_display(), *answers.get(resp.pk, [])]
        )
    wa.freeze_panes = "D2"

    buf = io.BytesIO()
    safe_workbook(wb)
    wb.save(buf)
    return buf.getvalue()


def results_pdf(context: dict) -> bytes:
    """Render ``assessment/results_pdf.html`` through the reports' one font set-up (SARA AM
    copies out of the PDF as typed)."""
    from kongtun.reports.pdf import render_pdf

    return render_pdf("assessment/results_pdf.html", context)
