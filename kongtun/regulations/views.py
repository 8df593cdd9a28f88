"""Regulation pages: versions, a version's clauses and benefits, drafts edited through forms
(or as YAML), the check before a vote, approval, export and import.

Everyone with a role in the fund reads the approved versions (members are bound by them);
drafts are for the committee; the chair and the manager (``MANAGE_FUND``) edit and approve.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kongtun.core.forms import apply_service_errors
from kongtun.core.thaidates import current_lang
from kongtun.core.uploads import upload_limit
from kongtun.funds.access import Cap, FundAccess, fund_view
from kongtun.regulations import editing
from kongtun.regulations.describe import created_from_label, describe, is_en
from kongtun.regulations.engine import (
    RegulationFormatError,
    check_draft,
    load_regulation,
    regulation_to_dict,
)
from kongtun.regulations.engine.render import render_error, render_warning
from kongtun.regulations.forms import (
    ApproveForm,
    BandFormSet,
    BenefitForm,
    CapFormSet,
    ClauseForm,
    EvidenceFormSet,
    GeneralForm,
    GroupCapFormSet,
    ImportForm,
    InterpretationFormSet,
    LevelFormSet,
    NewBenefitForm,
    PlanFormSet,
    RelativeFormSet,
    StartForm,
    WaitingFormSet,
    YamlForm,
)
from kongtun.regulations.models import RegulationVersion, VersionStatus
from kongtun.regulations.selectors import regulation_of, version_in_force, versions
from kongtun.regulations.services import (
    MAX_YAML_BYTES,
    RegulationInvalid,
    version_approve,
    version_import,
    version_save_content,
    version_save_data,
    version_start_from_prototype,
    version_start_from_version,
)


def _version_or_404(access: FundAccess, version_id: int) -> RegulationVersion:
    version = (
        RegulationVersion.objects.select_related(
            "fund", "previous", "approved_by", "resolution_record"
        )
        .filter(pk=version_id, fund=access.fund)
        .first()
    )
    if version is None:
        raise Http404
    if version.is_draft and not access.can(Cap.VIEW_MEMBERS):
        raise Http404  # drafts are the committee's working papers
    return version


def _draft_or_404(access: FundAccess, version_id: int) -> RegulationVersion:
    version = _version_or_404(access, version_id)
    if not version.is_draft:
        raise Http404
    return version


@fund_view(Cap.VIEW_FUND)
def regulation_list(request: HttpRequest, access: FundAccess) -> HttpResponse:
    committee = access.can(Cap.VIEW_MEMBERS)
    rows = list(versions(fund=access.fund, include_drafts=committee))
    current = version_in_force(fund=access.fund, on=timezone.localdate())
    start_form = None
    if access.can(Cap.MANAGE_FUND):
        start_form = StartForm(versions=rows)
    return render(
        request,
        "regulations/list.html",
        {
            "versions": rows,
            "current": current,
            "start_form": start_form,
            "import_form": ImportForm() if access.can(Cap.MANAGE_FUND) else None,
        },
    )


@fund_view(Cap.MANAGE_FUND)
@require_POST
def regulation_new(request: HttpRequest, access: FundAccess) -> HttpResponse:
    rows = list(versions(fund=access.fund))
    form = StartForm(request.POST, versions=rows)
    if not form.is_valid():
        messages.error(request, _("Choose where the new version starts from."))
        return redirect("regulation_list", fund_id=access.fund.pk)
    kind, _sep, ref = form.cleaned_data["source"].partition(":")
    title = form.cleaned_data["title"]
    try:
        if kind == "version":
            base = next((v for v in rows if str(v.pk) == ref), None)
            if base is None:
                raise Http404
            version = version_start_from_version(version=base, actor=request.user, title=title)
        else:
            version = version_start_from_prototype(
                fund=access.fund, prototype=ref, actor=request.user, title=title
            )
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
        return redirect("regulation_list", fund_id=access.fund.pk)
    messages.success(request, _("Draft version %(n)s started.") % {"n": version.number})
    return redirect("regulation_detail", fund_id=access.fund.pk, version_id=version.pk)


@upload_limit(MAX_YAML_BYTES)
@fund_view(Cap.MANAGE_FUND)
def regulation_import(request: HttpRequest, access: FundAccess) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                version = version_import(
                    fund=access.fund,
                    content=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    actor=request.user,
                )
                messages.success(
                    request, _("Imported as draft version %(n)s.") % {"n": version.number}
                )
                return redirect("regulation_detail", fund_id=access.fund.pk, version_id=version.pk)
            except ValidationError as exc:
                errors = exc.messages
        status = 400
    return render(
        request, "regulations/import.html", {"form": form, "errors": errors}, status=status
    )


@fund_view(Cap.VIEW_FUND)
def regulation_detail(request: HttpRequest, access: FundAccess, version_id: int) -> HttpResponse:
    version = _version_or_404(access, version_id)
    lang = current_lang()
    try:
        reg = regulation_of(version)
        problems: list[str] = []
    except RegulationFormatError as exc:  # a draft saved before a format change
        reg = None
        problems = [render_error(e, lang) for e in exc.errors]
    data = describe(reg) if reg is not None else None
    # The clause in the reader's language (English falls back to the Thai, which is the
    # regulation); the other language under it only when asked for (?both=1).
    english = is_en()
    has_other = any(
        c.get("text_en") and c.get("text_en") != c.get("text_th") for c in version.clauses
    )
    both = has_other and request.GET.get("both") == "1"
    clauses = []
    for c in version.clauses:
        text = c.get("text_en") if english and c.get("text_en") else c["text_th"]
        other = c.get("text_th") if english else c.get("text_en")
        clauses.append(
            {
                "number": c["number"],
                "text": text,
                "other": other if both and other and other != text else "",
                "interpretations": [
                    {
                        **i,
                        "text": i["text_en"] if is_en() or not i.get("text_th") else i["text_th"],
                    }
                    for i in c.get("interpretations", [])
                ],
            }
        )
    warnings = (
        [render_warning(w, lang) for w in check_draft(reg)]
        if reg is not None and version.is_draft
        else []
    )
    # Drafts are the committee's working papers: others see approved amendments only.
    amendments = version.amendments.order_by("number")
    if not access.can(Cap.VIEW_MEMBERS):
        amendments = amendments.filter(status=VersionStatus.APPROVED)
    return render(
        request,
        "regulations/detail.html",
        {
            "version": version,
            "d": data,
            "clauses": clauses,
            "problems": problems,
            "warnings": warnings,
            "can_edit": version.is_draft and access.can(Cap.MANAGE_FUND),
            "amendments": list(amendments),
            "created_from": created_from_label(version),
            "has_other_language": has_other,
            "both_languages": both,
            "english": english,
            "benefit_indexes": list(enumerate(reg.benefits)) if reg else [],
        },
    )


@fund_view(Cap.VIEW_FUND)
def regulation_export(request: HttpRequest, access: FundAccess, version_id: int) -> HttpResponse:
    version = _version_or_404(access, version_id)
    response = HttpResponse(version.content, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{version.file_name}"'
    return response


@fund_view(Cap.VIEW_MEMBERS)
def regulation_check(request: HttpRequest, access: FundAccess, version_id: int) -> HttpResponse:
    """The check before a vote: every draft warning, with its clause."""
    version = _version_or_404(access, version_id)
    lang = current_lang()
    try:
        reg = regulation_of(version)
    except RegulationFormatError as exc:
        return render(
            request,
            "regulations/check.html",
            {"version": version, "errors": [render_error(e, lang) for e in exc.errors]},
        )
    return render(
        request,
        "regulations/check.html",
        {"version": version, "warnings": [render_warning(w, lang) for w in check_draft(reg)]},
    )


@fund_view(Cap.MANAGE_FUND)
def regulation_approve(request: HttpRequest, access: FundAccess, version_id: int) -> HttpResponse:
    version = _draft_or_404(access, version_id)
    lang = current_lang()
    warnings = [render_warning(w, lang) for w in check_draft(regulation_of(version))]
    today = timezone.localdate()
    form = ApproveForm(request.POST or None, fund=access.fund, today=today)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if warnings and not d["warnings_read"]:
            form.add_error("warnings_read", _("Tick this after the meeting saw the warnings."))
        else:
            try:
                version_approve(
                    version=version,
                    resolution=d["resolution"],
                    resolution_date=d["resolution_date"],
                    resolution_record=d.get("resolution_record"),
                    effective_date=d["effective_date"],
                    actor=request.user,
                    today=today,
                )
                messages.success(
                    request,
                    _("Version %(n)s is approved; it can no longer be changed.")
                    % {"n": version.number},
                )
                return redirect("regulation_detail", fund_id=access.fund.pk, version_id=version.pk)
            except ValidationError as exc:
                apply_service_errors(form, exc)
    return render(
        request,
        "regulations/approve.html",
        {"version": version, "form": form, "warnings": warnings},
        status=400 if form.errors else 200,
    )


# --- editing a draft -------------------------------------------------------------------------


def _data(version: RegulationVersion) -> dict[str, Any]:
    return regulation_to_dict(load_regulation(version.content))


def _clause_numbers(data: dict[str, Any]) -> list[str]:
    return [c["number"] for c in data.get("clauses", [])]


def _save(
    request: HttpRequest, version: RegulationVersion, data: dict[str, Any]
) -> list[str] | None:
    """Save through the engine; the errors (path: message) when it refuses."""
    try:
        version_save_data(version=version, data=data, actor=request.user)
    except RegulationInvalid as exc:
        return exc.messages
    except ValidationError as exc:
        return exc.messages
    messages.success(request, _("Draft saved."))
    return None


def _edit_context(version: RegulationVersion, **extra: Any) -> dict[str, Any]:
    data = _data(version)
    return {
        "version": version,
        "benefits": list(enumerate(data.get("benefits", []))),
        "clause_list": list(enumerate(data.get("clauses", []))),
        **extra,
    }


@fund_view(Cap.MANAGE_FUND)
def regulation_edit(request: HttpRequest, access: FundAccess, version_id: int) -> HttpResponse:
    """The regulation as a whole: titles, cap year, membership rules, plans, shared caps."""
    version = _draft_or_404(access, version_id)
    data = _data(version)
    clauses = _clause_numbers(data)
    benefit_choices = [(b["code"], b.get("name_th", b["code"])) for b in data.get("benefits", [])]
    post = request.POST if request.method == "POST" else None
    form = GeneralForm(post, initial=editing.general_initial(version.title, data), clauses=clauses)
    waiting = WaitingFormSet(
        post,
        prefix="wait",
        initial=editing.waiting_initial(data.get("membership", {}).get("waiting_periods", [])),
        form_kwargs={"clauses": clauses},
    )
    plans = PlanFormSet(
        post, prefix="plan", initial=editing.plans_initial(data), form_kwargs={"clauses": clauses}
    )
    groups = GroupCapFormSet(
        post,
        prefix="group",
        initial=editing.group_caps_initial(data),
        form_kwargs={"clauses": clauses, "benefits": benefit_choices},
    )
    errors: list[str] | None = None
    if post is not None and all(f.is_valid() for f in (form, waiting, plans, groups)):
        new = editing.general_apply(
            data, form.cleaned_data, waiting=waiting, plans=plans, group_caps=groups
        )
        if not any(f.errors for f in groups.forms):
            errors = _save(request, version, new)
            if errors is None:
                if form.cleaned_data["title"] != version.title:
                    RegulationVersion.objects.filter(pk=version.pk, status="draft").update(
                        title=form.cleaned_data["title"]
                    )
                return redirect("regulation_edit", fund_id=access.fund.pk, version_id=version.pk)
    return render(
        request,
        "regulations/edit.html",
        _edit_context(
            version,
            form=form,
            waiting=waiting,
            plans=plans,
            groups=groups,
            errors=errors,
        ),
        status=400 if post is not None else 200,
    )


@fund_view(Cap.MANAGE_FUND)
def regulation_edit_benefit(
    request: HttpRequest, access: FundAccess, version_id: int, benefit_index: int
) -> HttpResponse:
    version = _draft_or_404(access, version_id)
    data = _data(version)
    benefits = data.get("benefits", [])
    if not 0 <= benefit_index < len(benefits):
        raise Http404
    b = benefits[benefit_index]
    clauses = _clause_numbers(data)
    init = editing.benefit_initial(b)
    post = request.POST if request.method == "POST" else None
    kw = {"form_kwargs": {"clauses": clauses}}
    form = BenefitForm(post, initial=init["form"], clauses=clauses)
    sets = {
        "bands": BandFormSet(post, prefix="band", initial=init["bands"]),
        "levels": LevelFormSet(post, prefix="level", initial=init["levels"]),
        "relatives": RelativeFormSet(post, prefix="rel", initial=init["relatives"], **kw),
        "waiting": WaitingFormSet(post, prefix="wait", initial=init["waiting"], **kw),
        "caps": CapFormSet(post, prefix="cap", initial=init["caps"], **kw),
        "evidence": EvidenceFormSet(post, prefix="ev", initial=init["evidence"], **kw),
    }
    errors: list[str] | None = None
    if post is not None and form.is_valid() and all(s.is_valid() for s in sets.values()):
        new_b = editing.benefit_apply(b, form.cleaned_data, **sets)
        if not any(f.errors for f in sets["caps"].forms):
            benefits[benefit_index] = new_b
            data["benefits"] = benefits
            errors = _save(request, version, data)
            if errors is None:
                return redirect(
                    "regulation_edit_benefit",
                    fund_id=access.fund.pk,
                    version_id=version.pk,
                    benefit_index=benefit_index,
                )
    return render(
        request,
        "regulations/edit_benefit.html",
        _edit_context(
            version, form=form, sets=sets, errors=errors, benefit=b, benefit_index=benefit_index
        ),
        status=400 if post is not None else 200,
    )


@fund_view(Cap.MANAGE_FUND)
def regulation_add_benefit(
    request: HttpRequest, access: FundAccess, version_id: int
) -> HttpResponse:
    version = _draft_or_404(access, version_id)
    data = _data(version)
    form = NewBenefitForm(request.POST or None, clauses=_clause_numbers(data))
    errors: list[str] | None = None
    if request.method == "POST" and form.is_valid():
        data.setdefault("benefits", []).append(editing.new_benefit(form.cleaned_data))
        errors = _save(request, version, data)
        if errors is None:
            return redirect(
                "regulation_edit_benefit",
                fund_id=access.fund.pk,
                version_id=version.pk,
                benefit_index=len(data["benefits"]) - 1,
            )
    return render(
        request,
        "regulations/add_benefit.html",
        _edit_context(version, form=form, errors=errors),
        status=400 if request.method == "POST" else 200,
    )


@fund_view(Cap.MANAGE_FUND)
@require_POST
def regulation_remove_benefit(
    request: HttpRequest, access: FundAccess, version_id: int, benefit_index: int
) -> HttpResponse:
    version = _draft_or_404(access, version_id)
    data = _data(version)
    benefits = data.get("benefits", [])
    if not 0 <= benefit_index < len(benefits):
        raise Http404
    code = benefits.pop(benefit_index)["code"]
    for g in data.get("group_caps", []):
        g["benefits"] = [c for c in g.get("benefits", []) if c != code]
    data["group_caps"] = [g for g in data.get("group_caps", []) if g["benefits"]]
    errors = _save(request, version, data)
    for e in errors or []:
        messages.error(request, e)
    return redirect("regulation_edit", fund_id=access.fund.pk, version_id=version.pk)


def _clause_page(
    request: HttpRequest, access: FundAccess, version: RegulationVersion, index: int | None
) -> HttpResponse:
    data = _data(version)
    clauses = data.get("clauses", [])
    if index is not None and not 0 <= index < len(clauses):
        raise Http404
    current = clauses[index] if index is not None else {}
    init = editing.clause_initial(current)
    post = request.POST if request.method == "POST" else None
    form = ClauseForm(post, initial=init["form"])
    interpretations = InterpretationFormSet(post, prefix="int", initial=init["interpretations"])
    errors: list[str] | None = None
    if post is not None and form.is_valid() and interpretations.is_valid():
        new = editing.clause_apply(form.cleaned_data, interpretations)
        if index is None:
            clauses.append(new)
            index = len(clauses) - 1
        else:
            editing.renumber_clause(data, current.get("number"), new["number"])
            clauses[index] = new
        data["clauses"] = clauses
        errors = _save(request, version, data)
        if errors is None:
            return redirect(
                "regulation_edit_clause",
                fund_id=access.fund.pk,
                version_id=version.pk,
                clause_index=index,
            )
    return render(
        request,
        "regulations/edit_clause.html",
        _edit_context(
            version,
            form=form,
            interpretations=interpretations,
            errors=errors,
            clause_index=index,
        ),
        status=400 if post is not None else 200,
    )


@fund_view(Cap.MANAGE_FUND)
def regulation_edit_clause(
    request: HttpRequest, access: FundAccess, version_id: int, clause_index: int
) -> HttpResponse:
    return _clause_page(request, access, _draft_or_404(access, version_id), clause_index)


@fund_view(Cap.MANAGE_FUND)
def regulation_add_clause(
    request: HttpRequest, access: FundAccess, version_id: int
) -> HttpResponse:
    return _clause_page(request, access, _draft_or_404(access, version_id), None)


@fund_view(Cap.MANAGE_FUND)
def regulation_edit_yaml(request: HttpRequest, access: FundAccess, version_id: int) -> HttpResponse:
    """The advanced path: the whole YAML document, errors shown with their lines."""
    version = _draft_or_404(access, version_id)
    form = YamlForm(request.POST or None, initial={"content": version.content})
    error_lines: list[int] = []
    if request.method == "POST" and form.is_valid():
        try:
            version_save_content(
                version=version,
                content=form.cleaned_data["content"].replace("\r\n", "\n"),
                actor=request.user,
            )
            messages.success(request, _("Draft saved."))
            return redirect("regulation_edit_yaml", fund_id=access.fund.pk, version_id=version.pk)
        except RegulationInvalid as exc:
            form.add_error("content", exc.messages)
            error_lines = sorted({e.line for e in exc.format_errors if e.line})
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(
        request,
        "regulations/edit_yaml.html",
        _edit_context(version, form=form, error_lines=error_lines),
        status=400 if form.errors else 200,
    )
