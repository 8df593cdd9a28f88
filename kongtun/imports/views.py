"""Importing books from the web: upload → choose the columns (guessed) and preview → confirm.

The uploaded file waits in a server-side temporary directory (``uploads``) under a random id
tied to the user and the fund; another user or another fund gets 404 for it.
"""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kongtun.contributions.models import ImportBatch
from kongtun.core.spreadsheet import safe_row
from kongtun.core.thaidates import format_month
from kongtun.core.uploads import upload_limit
from kongtun.funds.access import Cap, FundAccess, fund_view
from kongtun.imports.forms import MappingForm, UploadForm
from kongtun.imports.mapping import FIELDS, find_header, guess_mapping
from kongtun.imports.readers import ReadError, cell_text, head_rows, open_table
from kongtun.imports.services import (
    ImportMapping,
    ImportRejected,
    ImportReport,
    contributions_import,
    members_import,
)
from kongtun.imports.uploads import (
    MAX_UPLOAD_BYTES,
    PendingUpload,
    UploadNotFound,
    upload_delete,
    upload_get,
    upload_store,
)
from kongtun.members.models import Member

SHOW_PROBLEMS = 300
SHOW_FILE_ROWS = 8
IMPORTERS = {"contributions": contributions_import, "members": members_import}


def _kinds(access: FundAccess) -> list[str]:
    kinds = ["contributions"]
    if access.can(Cap.EDIT_MEMBERS):
        kinds.append("members")
    return kinds


def _upload_or_404(request: HttpRequest, access: FundAccess, upload_id: str) -> PendingUpload:
    try:
        upload = upload_get(token=upload_id, fund_id=access.fund.pk, user_id=request.user.pk)
    except UploadNotFound:
        raise Http404 from None
    if upload.kind not in _kinds(access):
        raise PermissionDenied
    return upload


@upload_limit(MAX_UPLOAD_BYTES)
@fund_view(Cap.RECORD_MONEY)
def import_start(request: HttpRequest, access: FundAccess) -> HttpResponse:
    kinds = _kinds(access)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        upload = upload_store(
            fund_id=access.fund.pk,
            user_id=request.user.pk,
            kind=form.cleaned_data["kind"],
            filename=f.name,
            chunks=f.chunks(),
        )
        try:
            open_table(upload.path, filename=upload.filename)
        except ReadError as exc:
            upload_delete(upload)
            form.add_error("file", str(exc))
        else:
            return redirect("imports_review", fund_id=access.fund.pk, upload_id=upload.token)
    batches = (
        ImportBatch.objects.filter(fund=access.fund)
        .select_related("created_by")
        .order_by("-created_at")[:20]
    )
    return render(request, "imports/start.html", {"form": form, "batches": batches})


def _review(
    request: HttpRequest, access: FundAccess, upload: PendingUpload, *, confirm: bool = False
) -> HttpResponse:
    fields = FIELDS[upload.kind]
    data = request.POST if request.method == "POST" else None
    context: dict = {"upload": upload, "fields": fields}
    sheet = (data.get("sheet") or "") if data else ""
    try:
        table = open_table(upload.path, filename=upload.filename, sheet=sheet)
        head = head_rows(table, 60)
    except ReadError as exc:
        context["file_error"] = str(exc)
        return render(request, "imports/review.html", context)
    if not sheet and table.sheets:
        sheet = table.sheets[0]
    numbers = [n for n, _cells in head]
    wanted = None
    if data and str(data.get("header_row", "")).isdigit():
        wanted = int(data["header_row"])
    if wanted not in numbers:
        index = find_header(head, fields)
        wanted = head[index][0] if index is not None else None
    header = list(head[numbers.index(wanted)][1]) if wanted is not None else []
    same_layout = bool(
        data and data.get("prev_header_row") == str(wanted) and data.get("prev_sheet", "") == sheet
    )
    guess = guess_mapping(header, fields)
    initial = {"header_row": wanted, "sheet": sheet}
    initial |= {f"col_{name}": str(col) for name, col in guess.items()}
    form_kwargs = {"fields": fields, "header": header, "sheets": table.sheets}
    if same_layout:
        form = MappingForm(data, **form_kwargs)
    else:
        form = MappingForm(initial=initial, **form_kwargs)
    context |= {
        "form": form,
        "header_row": wanted,
        "sheet": sheet,
        "file_rows": [
            (n, [cell_text(c) for c in cells], n == wanted) for n, cells in head[:SHOW_FILE_ROWS]
        ],
    }
    if wanted is None:
        context["no_header"] = True
        return render(request, "imports/review.html", context)
    if same_layout and not form.is_valid():
        return render(request, "imports/review.html", context)
    columns = form.columns() if same_layout else guess
    mapping = ImportMapping(header_row=wanted, columns=columns, sheet=sheet)
    importer = IMPORTERS[upload.kind]
    do_import = confirm and same_layout
    try:
        report = importer(
            fund=access.fund,
            path=upload.path,
            actor=request.user,
            filename=upload.filename,
            mapping=mapping,
            dry_run=not do_import,
            preview=10,
        )
    except ImportRejected as exc:
        query = {"header_row": wanted, "sheet": sheet}
        query |= {f"col_{name}": col for name, col in columns.items()}
        context |= {
            "problems_query": urlencode(query),
            "problems": exc.problems[:SHOW_PROBLEMS],
            "problem_count": len(exc.problems),
            "problem_rows": len({p.row for p in exc.problems}),
        }
        return render(request, "imports/review.html", context)
    if do_import:
        upload_delete(upload)
        messages.success(request, _summary(report))
        return redirect("imports_start", fund_id=access.fund.pk)
    if upload.kind == "contributions":
        full = {
            m.pk: m.full_name
            for m in Member.objects.filter(
                fund=access.fund, pk__in=[p["member_id"] for p in report.preview]
            )
        }
        thai = (get_language() or "th").startswith("th")
        for p in report.preview:
            p["name"] = full.get(p["member_id"], "")
            start = p["period_start"]
            p["period_text"] = format_month(start, "th" if thai else "en", "numeric")
    context["report"] = report
    return render(request, "imports/review.html", context)


def _summary(report: ImportReport) -> str:
    if report.file_already_imported or report.imported == 0:
        return _("%(file)s: already imported, nothing to do.") % {"file": report.filename}
    if report.kind == "members":
        return _("%(file)s: %(n)s members registered.") % {
            "file": report.filename,
            "n": f"{report.imported:,}",
        }
    return _(
        "%(file)s: %(n)s payments imported, %(total)s baht, posted to the books as "
        "%(entries)s monthly entries."
    ) % {
        "file": report.filename,
        "n": f"{report.imported:,}",
        "total": f"{report.total_amount:,.2f}",
        "entries": len(report.months),
    }


@fund_view(Cap.RECORD_MONEY)
def import_review(request: HttpRequest, access: FundAccess, upload_id: str) -> HttpResponse:
    upload = _upload_or_404(request, access, upload_id)
    return _review(request, access, upload)


@require_POST
@fund_view(Cap.RECORD_MONEY)
def import_confirm(request: HttpRequest, access: FundAccess, upload_id: str) -> HttpResponse:
    upload = _upload_or_404(request, access, upload_id)
    return _review(request, access, upload, confirm=True)


@require_POST
@fund_view(Cap.RECORD_MONEY)
def import_cancel(request: HttpRequest, access: FundAccess, upload_id: str) -> HttpResponse:
    upload = _upload_or_404(request, access, upload_id)
    upload_delete(upload)
    messages.info(request, _("The uploaded file was discarded."))
    return redirect("imports_start", fund_id=access.fund.pk)


@fund_view(Cap.RECORD_MONEY)
def import_problems(request: HttpRequest, access: FundAccess, upload_id: str) -> HttpResponse:
    """Every bad row as a CSV file (UTF-8 with BOM, so Excel shows the Thai)."""
    upload = _upload_or_404(request, access, upload_id)
    columns = {
        key[4:]: int(value)
        for key, value in request.GET.items()
        if key.startswith("col_") and value.isdigit()
    }
    header_row = request.GET.get("header_row", "")
    mapping = ImportMapping(
        header_row=int(header_row) if header_row.isdigit() else None,
        columns=columns or None,
        sheet=request.GET.get("sheet", ""),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="problems.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("row"), _("column"), _("value"), _("reason")])
    try:
        IMPORTERS[upload.kind](
            fund=access.fund,
            path=upload.path,
            actor=request.user,
            filename=upload.filename,
            mapping=mapping,
            dry_run=True,
        )
    except ImportRejected as exc:
        for p in exc.problems:
            writer.writerow(safe_row([p.row or "", p.column, p.value, p.reason]))
    return response
