"""Pages of the development process. Reading needs ``view_members`` (evidence files may hold
names and faces); recording activities needs ``edit_members``; the process itself, its stages,
the regulation draft and the founding need ``manage_fund``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kongtun.core.forms import apply_service_errors
from kongtun.core.uploads import upload_limit
from kongtun.development import handoff
from kongtun.development.forms import (
    ActivityForm,
    EvidenceForm,
    FoundingForm,
    ParticipationFormSet,
    ProcessForm,
    StageForm,
    participants_from,
)
from kongtun.development.models import DevelopmentProcess, ProcessStatus
from kongtun.development.selectors import (
    activities_of,
    activity_in_fund,
    evidence_in_fund,
    process_for_fund,
    process_summary,
    stage_in_fund,
    stages_with_activities,
)
from kongtun.development.services import (
    MAX_EVIDENCE_BYTES,
    activity_create,
    activity_update,
    evidence_add,
    process_found_fund,
    process_regulation_handoff,
    process_start,
    process_update,
    regulation_draft_start,
    stage_add,
    stage_update,
)
from kongtun.development.timeline import kind_legend, timeline_svg
from kongtun.funds.access import Cap, FundAccess, fund_view

# The link to these pages in base.html's navigation (translated in this app's catalog).
NAV_LABEL = gettext_lazy("Development")


def _process_or_404(access: FundAccess) -> DevelopmentProcess:
    process = process_for_fund(fund=access.fund)
    if process is None:
        raise Http404
    return process


@fund_view(Cap.VIEW_MEMBERS)
def process_overview(request: HttpRequest, access: FundAccess) -> HttpResponse:
    process = process_for_fund(fund=access.fund)
    if process is None:
        return render(request, "development/none.html", {"fund": access.fund})
    stages = stages_with_activities(process=process)
    return render(
        request,
        "development/overview.html",
        {
            "process": process,
            "fund": access.fund,
            "stages": stages,
            "summary": process_summary(process=process),
            "timeline": timeline_svg(process, stages),
            "legend": kind_legend(),
            "activities": activities_of(process=process),
        },
    )


@fund_view(Cap.MANAGE_FUND)
def process_new(request: HttpRequest, access: FundAccess) -> HttpResponse:
    if process_for_fund(fund=access.fund) is not None:
        return redirect("development_process", fund_id=access.fund.pk)
    form = ProcessForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            process_start(fund=access.fund, actor=request.user, **form.cleaned_data)
            messages.success(
                request, _("The development process is open, with the model's stages.")
            )
            return redirect("development_process", fund_id=access.fund.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(request, "development/process_form.html", {"form": form, "process": None})


@fund_view(Cap.MANAGE_FUND)
def process_edit(request: HttpRequest, access: FundAccess) -> HttpResponse:
    process = _process_or_404(access)
    form = ProcessForm(
        request.POST or None,
        initial={
            "started_on": process.started_on,
            "working_team": process.working_team,
            "notes": process.notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            process_update(process=process, **form.cleaned_data)
            messages.success(request, _("Changes saved."))
            return redirect("development_process", fund_id=access.fund.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(request, "development/process_form.html", {"form": form, "process": process})


@fund_view(Cap.MANAGE_FUND)
def process_found(request: HttpRequest, access: FundAccess) -> HttpResponse:
    process = _process_or_404(access)
    if process.status == ProcessStatus.FOUNDED:
        messages.info(request, _("The fund was already founded on this process."))
        return redirect("development_process", fund_id=access.fund.pk)
    form = FoundingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = process_found_fund(process=process, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The fund's founding is recorded."))
            (messages.success if result.accepted else messages.warning)(request, result.message)
            return redirect("development_process", fund_id=access.fund.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(request, "development/found.html", {"form": form, "process": process})


@fund_view(Cap.VIEW_MEMBERS)
def stage_detail(request: HttpRequest, access: FundAccess, stage_id: int) -> HttpResponse:
    stage = stage_in_fund(fund=access.fund, stage_id=stage_id)
    if stage is None:
        raise Http404
    activities = activities_of(process=stage.process).filter(stage=stage)
    return render(
        request,
        "development/stage.html",
        {"stage": stage, "process": stage.process, "activities": activities},
    )


def _stage_initial(stage: object) -> dict:
    return {
        name: getattr(stage, name)
        for name in (
            "position",
            "name_th",
            "name_en",
            "quote_th",
            "quote_en",
            "status",
            "started_on",
            "completed_on",
            "notes",
        )
    }


@fund_view(Cap.MANAGE_FUND)
def stage_edit(request: HttpRequest, access: FundAccess, stage_id: int) -> HttpResponse:
    stage = stage_in_fund(fund=access.fund, stage_id=stage_id)
    if stage is None:
        raise Http404
    form = StageForm(request.POST or None, initial=_stage_initial(stage))
    if request.method == "POST" and form.is_valid():
        try:
            stage_update(stage=stage, data=form.to_input())
            messages.success(request, _("Changes saved."))
            return redirect("development_stage", fund_id=access.fund.pk, stage_id=stage.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(
        request,
        "development/stage_form.html",
        {"form": form, "stage": stage, "process": stage.process},
    )


@fund_view(Cap.MANAGE_FUND)
def stage_new(request: HttpRequest, access: FundAccess) -> HttpResponse:
    process = _process_or_404(access)
    form = StageForm(request.POST or None, initial={"status": "not_started"})
    if request.method == "POST" and form.is_valid():
        try:
            stage = stage_add(process=process, data=form.to_input())
            messages.success(request, _("Stage added."))
            return redirect("development_stage", fund_id=access.fund.pk, stage_id=stage.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(
        request, "development/stage_form.html", {"form": form, "stage": None, "process": process}
    )


def _activity_page(
    request: HttpRequest,
    access: FundAccess,
    process: DevelopmentProcess,
    activity: object,
    initial_stage: object,
) -> HttpResponse:
    fund = access.fund
    if request.method == "POST":
        form = ActivityForm(request.POST, process=process)
        formset = ParticipationFormSet(request.POST, prefix="p", fund=fund)
        if form.is_valid() and formset.is_valid():
            try:
                data = form.to_input(participants_from(formset))
                if activity is None:
                    activity = activity_create(
                        stage=form.cleaned_data["stage"], data=data, actor=request.user
                    )
                    messages.success(request, _("Activity recorded."))
                else:
                    activity = activity_update(
                        activity=activity, data=data, stage=form.cleaned_data["stage"]
                    )
                    messages.success(request, _("Changes saved."))
                return redirect("development_activity", fund_id=fund.pk, activity_id=activity.pk)
            except ValidationError as exc:
                apply_service_errors(form, exc)
                if "participants" in exc.message_dict:
                    formset._non_form_errors = formset.error_class(exc.message_dict["participants"])
    elif activity is None:
        form = ActivityForm(process=process, initial={"stage": initial_stage, "status": "done"})
        formset = ParticipationFormSet(prefix="p", fund=fund)
    else:
        form = ActivityForm(
            process=process,
            initial={
                "stage": activity.stage_id,
                "kind": activity.kind,
                "title": activity.title,
                "held_on": activity.held_on,
                "ends_on": activity.ends_on,
                "place": activity.place,
                "status": activity.status,
                "notes": activity.notes,
            },
        )
        formset = ParticipationFormSet(
            prefix="p",
            fund=fund,
            initial=[
                {"group": p.group, "occupation": p.occupation_id, "count": p.count, "note": p.note}
                for p in activity.participations.all()
            ],
        )
    return render(
        request,
        "development/activity_form.html",
        {"form": form, "formset": formset, "activity": activity, "process": process},
    )


@fund_view(Cap.EDIT_MEMBERS)
def activity_new(request: HttpRequest, access: FundAccess, stage_id: int) -> HttpResponse:
    stage = stage_in_fund(fund=access.fund, stage_id=stage_id)
    if stage is None:
        raise Http404
    return _activity_page(request, access, stage.process, None, stage.pk)


@fund_view(Cap.EDIT_MEMBERS)
def activity_edit(request: HttpRequest, access: FundAccess, activity_id: int) -> HttpResponse:
    activity = activity_in_fund(fund=access.fund, activity_id=activity_id)
    if activity is None:
        raise Http404
    return _activity_page(request, access, activity.stage.process, activity, None)


@fund_view(Cap.VIEW_MEMBERS)
def activity_detail(request: HttpRequest, access: FundAccess, activity_id: int) -> HttpResponse:
    activity = activity_in_fund(fund=access.fund, activity_id=activity_id)
    if activity is None:
        raise Http404
    return render(
        request,
        "development/activity.html",
        {
            "activity": activity,
            "process": activity.stage.process,
            "evidence": activity.evidence.select_related("uploaded_by"),
            "evidence_form": EvidenceForm() if access.can(Cap.EDIT_MEMBERS) else None,
        },
    )


@upload_limit(MAX_EVIDENCE_BYTES)
@fund_view(Cap.EDIT_MEMBERS)
@require_POST
def evidence_upload(request: HttpRequest, access: FundAccess, activity_id: int) -> HttpResponse:
    activity = activity_in_fund(fund=access.fund, activity_id=activity_id)
    if activity is None:
        raise Http404
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence_add(
                activity=activity,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                actor=request.user,
            )
            messages.success(request, _("File added."))
            return redirect("development_activity", fund_id=access.fund.pk, activity_id=activity.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(
        request,
        "development/activity.html",
        {
            "activity": activity,
            "process": activity.stage.process,
            "evidence": activity.evidence.select_related("uploaded_by"),
            "evidence_form": form,
        },
        status=400,
    )


@fund_view(Cap.VIEW_MEMBERS)
def evidence_download(request: HttpRequest, access: FundAccess, evidence_id: int) -> HttpResponse:
    evidence = evidence_in_fund(fund=access.fund, evidence_id=evidence_id)
    if evidence is None:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@fund_view(Cap.VIEW_MEMBERS)
def regulation_draft(request: HttpRequest, access: FundAccess) -> HttpResponse:
    """The "draft the fund's regulation" step. The draft is a draft version in the regulations
    app, edited with its forms (benefits, amounts, waiting periods in plain fields): this page
    starts it from a prototype, or carries an older text draft over, and sends the committee
    to those forms."""
    process = _process_or_404(access)
    can_edit = access.can(Cap.MANAGE_FUND) and not process.regulation_handed_over_at
    draft = handoff.draft_sync(process)
    if request.method == "POST":
        if not access.can(Cap.MANAGE_FUND):
            raise PermissionDenied
        if "handoff" in request.POST:
            try:
                result = process_regulation_handoff(process=process, actor=request.user)
                (messages.success if result.accepted else messages.warning)(request, result.message)
            except ValidationError as exc:
                for m in exc.messages:
                    messages.error(request, m)
            return redirect("development_regulation", fund_id=access.fund.pk)
        if not can_edit or draft is not None or handoff.fund_has_regulation(access.fund):
            return redirect("development_regulation", fund_id=access.fund.pk)
        try:
            if "start_from" in request.POST:
                prototype = request.POST.get("prototype", "")
                draft = regulation_draft_start(
                    process=process, prototype=prototype, actor=request.user
                )
            elif "to_forms" in request.POST and process.regulation_draft.strip():
                draft = regulation_draft_start(process=process, prototype="", actor=request.user)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
            return redirect("development_regulation", fund_id=access.fund.pk)
        if draft is not None:
            messages.success(request, _("The draft is ready: change it with the forms below."))
            return redirect("regulation_edit", fund_id=access.fund.pk, version_id=draft.pk)
        return redirect("development_regulation", fund_id=access.fund.pk)
    return render(
        request,
        "development/regulation.html",
        {
            "process": process,
            "draft": draft,
            "can_edit": can_edit,
            "engine_available": handoff.engine_available(),
            "fund_has_regulation": handoff.fund_has_regulation(access.fund),
            "prototypes": handoff.prototype_choices() if can_edit else [],
        },
    )
