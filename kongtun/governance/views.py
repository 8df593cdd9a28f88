"""Committee, meetings and resolutions pages under ``f/<fund_id>/governance/``.

Reading needs ``view_members`` (committee and coordinators); recording meetings, attendance
and resolutions needs ``edit_members`` (the secretary at the meeting); appointing and ending
terms (which grants and revokes logins' roles) and the quorum rules need ``manage_fund``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kongtun.aar.selectors import lessons_on_meeting
from kongtun.core.forms import apply_service_errors
from kongtun.core.pagination import paginate
from kongtun.funds.access import Cap, FundAccess, fund_view
from kongtun.governance.forms import (
    AttendanceForm,
    CommitteeDateForm,
    MeetingEditForm,
    MeetingForm,
    PolicyForm,
    ResolutionForm,
    TermEndForm,
    TermForm,
)
from kongtun.governance.models import CommitteeTerm, Meeting, MeetingKind, Resolution
from kongtun.governance.selectors import (
    committee_on,
    meeting_quorum,
    meetings_of,
    policy_of,
)
from kongtun.governance.services import (
    AttendanceInput,
    ResolutionInput,
    attendance_set,
    meeting_create,
    meeting_update,
    policy_update,
    resolution_record,
    term_appoint,
    term_end,
)

PAGE_SIZE = 30


def _meeting_or_404(access: FundAccess, meeting_id: int) -> Meeting:
    try:
        return Meeting.objects.select_related("fund").get(pk=meeting_id, fund=access.fund)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _term_or_404(access: FundAccess, term_id: int) -> CommitteeTerm:
    try:
        return CommitteeTerm.objects.select_related("fund").get(pk=term_id, fund=access.fund)
    except CommitteeTerm.DoesNotExist:
        raise Http404 from None


def _require(access: FundAccess, cap: Cap) -> None:
    if not access.can(cap):
        raise PermissionDenied


# --- the committee ---------------------------------------------------------------------------


@fund_view(Cap.VIEW_MEMBERS)
def committee(request: HttpRequest, access: FundAccess) -> HttpResponse:
    fund = access.fund
    today = timezone.localdate()
    form = CommitteeDateForm(request.GET or None)
    on = today
    if form.is_valid() and form.cleaned_data["on"]:
        on = form.cleaned_data["on"]
    if not form.is_bound:
        form = CommitteeDateForm(initial={"on": on})
    terms = (
        CommitteeTerm.objects.filter(fund=fund)
        .select_related("appointed_by__meeting", "ended_by__meeting", "user", "member")
        .order_by("-start_date", "-id")
    )
    return render(
        request,
        "governance/committee.html",
        {
            "form": form,
            "on": on,
            "today": today,
            "in_office": committee_on(fund, on),
            "terms": terms,
            "next_meetings": meetings_of(fund).filter(date__gte=today).order_by("date")[:3],
            "recent_meetings": meetings_of(fund).filter(date__lt=today)[:5],
        },
    )


@fund_view(Cap.MANAGE_FUND)
def term_new(request: HttpRequest, access: FundAccess) -> HttpResponse:
    fund = access.fund
    form = TermForm(request.POST or None, fund=fund)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            term = term_appoint(
                fund=fund,
                position=d["position"],
                start_date=d["start_date"],
                resolution=d["resolution"],
                person_name=d["person_name"],
                member=d["member_number"],
                user=d["username"],
                grant_role=d["grant_role"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {"member": "member_number", "user": "username"})
        else:
            messages.success(
                request,
                _("%(name)s appointed %(position)s.")
                % {"name": term.person_name, "position": term.get_position_display()},
            )
            return redirect("governance_committee", fund_id=fund.pk)
    return render(
        request,
        "governance/term_form.html",
        {"form": form, "has_resolutions": fund.resolutions.exists()},
        status=400 if form.errors else 200,
    )


@fund_view(Cap.MANAGE_FUND)
def term_end_view(request: HttpRequest, access: FundAccess, term_id: int) -> HttpResponse:
    term = _term_or_404(access, term_id)
    if term.end_date is not None:
        messages.error(request, _("This term has already ended."))
        return redirect("governance_committee", fund_id=access.fund.pk)
    form = TermEndForm(
        request.POST or None, fund=access.fund, initial={"end_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            term_end(
                term=term, end_date=d["end_date"], resolution=d["resolution"], reason=d["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The term has ended."))
            return redirect("governance_committee", fund_id=access.fund.pk)
    return render(
        request,
        "governance/term_end.html",
        {"form": form, "term": term},
        status=400 if form.errors else 200,
    )


# --- meetings --------------------------------------------------------------------------------


@fund_view(Cap.VIEW_MEMBERS)
def meeting_list(request: HttpRequest, access: FundAccess) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in MeetingKind.values:
        kind = ""
    qs = meetings_of(access.fund, kind=kind).prefetch_related("resolutions")
    page = paginate(request, qs, PAGE_SIZE)
    return render(
        request,
        "governance/meetings.html",
        {
            "page": page,
            "kind": kind,
            "kinds": MeetingKind.choices,
            "query": f"kind={kind}" if kind else "",
            "today": timezone.localdate(),
        },
    )


@fund_view(Cap.EDIT_MEMBERS)
def meeting_new(request: HttpRequest, access: FundAccess) -> HttpResponse:
    kind = request.GET.get("kind", MeetingKind.COMMITTEE)
    form = MeetingForm(
        request.POST or None,
        initial={"kind": kind if kind in MeetingKind.values else MeetingKind.COMMITTEE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create(fund=access.fund, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(meeting)s recorded.") % {"meeting": meeting},
            )
            return redirect("governance_meeting", fund_id=access.fund.pk, meeting_id=meeting.pk)
    return render(
        request,
        "governance/meeting_form.html",
        {"form": form, "meeting": None},
        status=400 if form.errors else 200,
    )


@fund_view(Cap.VIEW_MEMBERS)
def meeting_detail(request: HttpRequest, access: FundAccess, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(access, meeting_id)
    return _meeting_page(request, access, meeting, ResolutionForm())


def _meeting_page(
    request: HttpRequest, access: FundAccess, meeting: Meeting, resolution_form: ResolutionForm
) -> HttpResponse:
    today = timezone.localdate()
    quorum = meeting_quorum(meeting) if meeting.date <= today else None
    resolutions = list(meeting.resolutions.order_by("number").prefetch_related("appointments"))
    return render(
        request,
        "governance/meeting.html",
        {
            "meeting": meeting,
            "attendance": list(meeting.attendance.select_related("term")),
            "in_office": committee_on(meeting.fund, meeting.date),
            "quorum": quorum,
            "resolutions": resolutions,
            "resolution_form": resolution_form
            if access.can(Cap.EDIT_MEMBERS) and quorum and quorum.met
            else None,
            "can_edit": access.can(Cap.EDIT_MEMBERS),
            "held": meeting.date <= today,
            # Lessons learned put on this agenda (kongtun/aar): their statements and advice.
            "aar_lessons": lessons_on_meeting(meeting),
        },
        status=400 if resolution_form.errors else 200,
    )


@fund_view(Cap.EDIT_MEMBERS)
def meeting_edit(request: HttpRequest, access: FundAccess, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(access, meeting_id)
    form = MeetingEditForm(
        request.POST or None,
        initial={
            "date": meeting.date,
            "title": meeting.title,
            "place": meeting.place,
            "agenda": meeting.agenda,
            "minutes": meeting.minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("governance_meeting", fund_id=access.fund.pk, meeting_id=meeting.pk)
    return render(
        request,
        "governance/meeting_form.html",
        {"form": form, "meeting": meeting},
        status=400 if form.errors else 200,
    )


@fund_view(Cap.EDIT_MEMBERS)
def meeting_attendance(request: HttpRequest, access: FundAccess, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(access, meeting_id)
    terms = committee_on(meeting.fund, meeting.date)
    present = list(meeting.attendance.select_related("term"))
    assembly = meeting.kind == MeetingKind.ASSEMBLY
    form = AttendanceForm(
        request.POST or None,
        terms=terms,
        assembly=assembly,
        initial={
            "terms": [str(a.term_id) for a in present if a.term_id],
            "guests": "\n".join(a.name for a in present if not a.term_id),
            "members_present": meeting.members_present,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            attendance_set(
                meeting=meeting,
                data=AttendanceInput(
                    term_ids=[int(i) for i in d["terms"]],
                    guests=d["guests"].splitlines(),
                    members_present=d.get("members_present"),
                ),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Attendance recorded."))
            return redirect("governance_meeting", fund_id=access.fund.pk, meeting_id=meeting.pk)
    return render(
        request,
        "governance/attendance.html",
        {
            "form": form,
            "meeting": meeting,
            "locked": meeting.resolutions.exists(),
            "held": meeting.date <= timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


@fund_view(Cap.EDIT_MEMBERS)
@require_POST
def resolution_new(request: HttpRequest, access: FundAccess, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(access, meeting_id)
    form = ResolutionForm(request.POST)
    if form.is_valid():
        try:
            resolution = resolution_record(
                meeting=meeting, data=ResolutionInput(**form.cleaned_data), actor=request.user
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Resolution %(n)s recorded.") % {"n": resolution.display_number},
            )
            return redirect("governance_meeting", fund_id=access.fund.pk, meeting_id=meeting.pk)
    return _meeting_page(request, access, meeting, form)


# --- resolutions and rules -------------------------------------------------------------------


@fund_view(Cap.VIEW_MEMBERS)
def resolution_list(request: HttpRequest, access: FundAccess) -> HttpResponse:
    topic = request.GET.get("topic", "")
    if topic not in Resolution.Topic.values:
        topic = ""
    qs = Resolution.objects.filter(fund=access.fund).select_related("meeting")
    if topic:
        qs = qs.filter(topic=topic)
    qs = qs.order_by("-meeting__date", "-fiscal_year", "-number")
    page = paginate(request, qs, PAGE_SIZE)
    return render(
        request,
        "governance/resolutions.html",
        {
            "page": page,
            "topic": topic,
            "topics": Resolution.Topic.choices,
            "query": f"topic={topic}" if topic else "",
        },
    )


@fund_view(Cap.VIEW_MEMBERS)
def rules(request: HttpRequest, access: FundAccess) -> HttpResponse:
    policy = policy_of(access.fund)
    form = PolicyForm(
        request.POST or None,
        initial={
            "committee_quorum_percent": policy.committee_quorum_percent,
            "committee_quorum_more_than": policy.committee_quorum_more_than,
            "assembly_quorum_percent": policy.assembly_quorum_percent,
            "assembly_quorum_more_than": policy.assembly_quorum_more_than,
        },
    )
    if request.method == "POST":
        _require(access, Cap.MANAGE_FUND)
        if form.is_valid():
            try:
                policy_update(fund=access.fund, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("governance_rules", fund_id=access.fund.pk)
    return render(
        request,
        "governance/rules.html",
        {"form": form, "policy": policy, "can_manage": access.can(Cap.MANAGE_FUND)},
        status=400 if form.errors else 200,
    )
