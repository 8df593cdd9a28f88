"""The REFI-QDA exchange page of a study (decision 0023): download the study (.qdpx) and its
codebook (.qdc); the lead uploads a .qdpx or .qdc from another QDA tool into the study."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from kongtun.aar import qda
from kongtun.aar.access import StudyAccess, StudyCap, study_view
from kongtun.core.forms import apply_service_errors
from kongtun.core.http import file_response
from kongtun.core.uploads import upload_limit


class QdaImportForm(forms.Form):
    file = forms.FileField(
        label=_("REFI-QDA file (.qdpx or .qdc)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".qdpx,.qdc"}),
    )


@upload_limit(qda.MAX_UPLOAD)
@study_view(StudyCap.WRITE)
def exchange(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    can_import = sa.can(StudyCap.LEAD)
    form = QdaImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = qda.qda_import(
                    study=sa.study, data=upload.read(), filename=upload.name, actor=request.user
                )
            except ValidationError as exc:
                apply_service_errors(form, ValidationError({"file": exc.messages}))
            else:
                messages.success(request, report.summary())
                for line in report.skipped:
                    messages.warning(request, line)
                return redirect("aar_exchange", sa.fund.pk, sa.study.pk)
    return render(
        request,
        "aar/exchange.html",
        {"sa": sa, "study": sa.study, "fund": sa.fund, "form": form, "can_import": can_import},
    )


@study_view(StudyCap.WRITE)
def export_qdpx(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    return file_response(
        qda.study_export_qdpx(study=sa.study),
        "application/zip",
        qda.export_filename(sa.study, "qdpx"),
        inline=False,
    )


@study_view(StudyCap.WRITE)
def export_qdc(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    try:
        data = qda.codebook_export_qdc(study=sa.study)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("aar_exchange", sa.fund.pk, sa.study.pk)
    return file_response(
        data, "application/xml", qda.export_filename(sa.study, "qdc"), inline=False
    )
