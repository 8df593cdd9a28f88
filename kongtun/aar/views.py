"""Pages of the lessons-learned studies under ``f/<fund_id>/aar/`` (decision 0022).

Every study page goes through ``access.study_view``: the team reads the whole study, a fund's
committee reads its own fund's sessions when the lead allows, anyone else gets 404. Objects are
fetched within the study and within the sessions the user may read.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kongtun.aar import analysis, reports, selectors, services
from kongtun.aar.access import (
    STUDY_STARTERS,
    StudyAccess,
    StudyCap,
    fund_access_soft,
    studies_for_user,
    studies_in_fund,
    study_view,
)
from kongtun.aar.forms import (
    MAX_TRANSCRIPT_UPLOAD,
    ActionForm,
    CodeForm,
    LessonForm,
    MemoForm,
    ParticipantForm,
    PhaseForm,
    QuestionForm,
    SessionForm,
    StudyForm,
    TeamAddForm,
    TranscriptForm,
)
from kongtun.aar.models import (
    PHASE_ORDER,
    Action,
    Code,
    Question,
    Segment,
    Session,
    SessionKind,
    StudyFund,
    TeamMember,
    Transcript,
)
from kongtun.core.forms import apply_service_errors
from kongtun.core.http import file_response
from kongtun.core.uploads import upload_limit
from kongtun.funds.access import active_roles
from kongtun.funds.models import Fund
from kongtun.governance.models import Meeting, MeetingKind

NAV_LABEL = gettext_lazy("Lessons learned")


def _ctx(sa: StudyAccess, **extra: object) -> dict:
    return {"sa": sa, "study": sa.study, "fund": sa.fund, **extra}


def _back(sa: StudyAccess, name: str, *args: object) -> HttpResponse:
    return redirect(name, sa.fund.pk, sa.study.pk, *args)


# ----------------------------------------------------------------------------- lists


def my_studies(request: HttpRequest) -> HttpResponse:
    """The studies whose team the user is on (fund-free: only the user's own)."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    studies = studies_for_user(request.user).prefetch_related("study_funds__fund")
    return render(request, "aar/my_studies.html", {"studies": studies})


def _starter_funds(user: object) -> QuerySet[Fund]:
    if getattr(user, "is_superuser", False):
        return Fund.objects.all()
    return Fund.objects.filter(
        roles__user=user, roles__revoked_at__isnull=True, roles__role__in=STUDY_STARTERS
    ).distinct()


def fund_studies(request: HttpRequest, fund_id: int) -> HttpResponse:
    """The fund's studies the user may open; 404 for someone with no role and no study here."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    fund = get_object_or_404(Fund, pk=fund_id) if str(fund_id).isdigit() else None
    if fund is None:
        raise Http404
    studies = studies_in_fund(request.user, fund)
    has_role = request.user.is_superuser or active_roles(request.user).filter(fund=fund).exists()
    if not has_role and not studies.exists():
        raise Http404
    request.fund_access = fund_access_soft(request.user, fund)  # type: ignore[attr-defined]
    can_start = _starter_funds(request.user).filter(pk=fund.pk).exists()
    return render(
        request,
        "aar/fund_studies.html",
        {
            "fund": fund,
            "studies": studies.prefetch_related("study_funds__fund"),
            "can_start": can_start,
        },
    )


def study_new(request: HttpRequest, fund_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    allowed = _starter_funds(request.user)
    fund = allowed.filter(pk=fund_id).first()
    if fund is None:
        if request.user.is_superuser or active_roles(request.user).filter(fund_id=fund_id).exists():
            raise PermissionDenied
        raise Http404
    request.fund_access = fund_access_soft(request.user, fund)  # type: ignore[attr-defined]
    form = StudyForm(request.POST or None, funds=allowed, initial={"funds": [fund]})
    if request.method == "POST" and form.is_valid():
        try:
            study = services.study_create(
                title=form.cleaned_data["title"],
                purpose=form.cleaned_data["purpose"],
                funds=list(form.cleaned_data["funds"]),
                lead=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The study was created with its guide and codebook."))
            return redirect("aar_study", fund.pk, study.pk)
    return render(request, "aar/study_new.html", {"fund": fund, "form": form})


# ----------------------------------------------------------------------------- study


@study_view(StudyCap.READ)
def study_detail(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    sessions = sa.sessions().select_related("fund").annotate(n_transcripts=Count("transcripts"))
    return render(
        request,
        "aar/study.html",
        _ctx(
            sa,
            phases=sorted(sa.study.phases.all(), key=lambda p: p.position),
            team=sa.study.team.filter(revoked_at__isnull=True).select_related("user"),
            links=sa.study.study_funds.select_related("fund"),
            sessions=sessions,
            counts=selectors.study_counts(sa),
        ),
    )


@study_view(StudyCap.LEAD)
def study_settings(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    """The lead's page: title, phases, funds, the committees' leave, the team."""
    study = sa.study
    phases = {p.kind: p for p in study.phases.all()}
    study_form = StudyForm(
        request.POST if request.POST.get("action") == "study" else None,
        funds=Fund.objects.filter(
            Q(pk__in=_starter_funds(request.user).values("pk")) | Q(pk__in=study.funds.values("pk"))
        ),
        initial={"title": study.title, "purpose": study.purpose, "funds": list(study.funds.all())},
    )
    team_form = TeamAddForm(
        request.POST if request.POST.get("action") == "team" else None, study=study
    )
    phase_forms = [
        (
            phases[k],
            PhaseForm(
                request.POST if request.POST.get("action") == f"phase-{k}" else None,
                prefix=f"phase-{k}",
                initial={
                    "starts_on": phases[k].starts_on,
                    "ends_on": phases[k].ends_on,
                    "notes": phases[k].notes,
                },
            ),
        )
        for k in PHASE_ORDER
        if k in phases
    ]
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "study" and study_form.is_valid():
                services.study_update(
                    study=study,
                    title=study_form.cleaned_data["title"],
                    purpose=study_form.cleaned_data["purpose"],
                )
                for fund in study_form.cleaned_data["funds"]:
                    services.study_fund_add(study=study, fund=fund)
                return _back(sa, "aar_settings")
            if action == "team" and team_form.is_valid():
                services.team_member_add(
                    study=study,
                    user=team_form.cleaned_data["user"],
                    role=team_form.cleaned_data["role"],
                )
                return _back(sa, "aar_settings")
            if action == "revoke":
                member = get_object_or_404(
                    TeamMember, study=study, pk=request.POST.get("member"), revoked_at__isnull=True
                )
                services.team_member_revoke(member=member)
                return _back(sa, "aar_settings")
            if action == "committee":
                link = get_object_or_404(StudyFund, study=study, fund_id=request.POST.get("fund"))
                services.committee_permission_set(
                    study=study, fund=link.fund, allowed=request.POST.get("allowed") == "1"
                )
                return _back(sa, "aar_settings")
            for phase, form in phase_forms:
                if action == f"phase-{phase.kind}" and form.is_valid():
                    services.phase_update(phase=phase, **form.cleaned_data)
                    return _back(sa, "aar_settings")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "aar/settings.html",
        _ctx(
            sa,
            study_form=study_form,
            team_form=team_form,
            phase_forms=phase_forms,
            team=study.team.filter(revoked_at__isnull=True).select_related("user"),
            links=study.study_funds.select_related("fund"),
        ),
    )


# ----------------------------------------------------------------------------- guide


@study_view(StudyCap.READ)
def guide(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    guide = sa.study.guide
    editing = None
    if request.GET.get("edit") and sa.can(StudyCap.WRITE):
        editing = (
            get_object_or_404(Question, guide=guide, pk=request.GET["edit"])
            if request.GET["edit"] != "new"
            else None
        )
    form = None
    if sa.can(StudyCap.WRITE):
        initial = (
            {
                "kind": editing.kind,
                "position": editing.position,
                "text_th": editing.text_th,
                "text_en": editing.text_en,
                "probes": editing.probes,
            }
            if editing
            else {"kind": "topic", "position": guide.questions.filter(kind="topic").count() + 1}
        )
        form = QuestionForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            question = None
            if request.POST.get("question"):
                question = get_object_or_404(Question, guide=guide, pk=request.POST["question"])
            try:
                services.question_save(guide=guide, question=question, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return _back(sa, "aar_guide")
    elif request.method == "POST":
        raise PermissionDenied
    questions = list(guide.questions.all())
    return render(
        request,
        "aar/guide.html",
        _ctx(
            sa,
            guide=guide,
            aar_questions=[q for q in questions if q.kind == "aar"],
            topics=[q for q in questions if q.kind == "topic"],
            form=form,
            editing=editing,
        ),
    )


@study_view(StudyCap.READ)
def guide_pdf(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    return file_response(
        reports.guide_pdf(sa), "application/pdf", f"aar-guide-{sa.study.pk}.pdf", inline=True
    )


# ----------------------------------------------------------------------------- sessions


@study_view(StudyCap.READ)
def session_list(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    sessions = (
        sa.sessions()
        .select_related("fund", "stage")
        .annotate(n_transcripts=Count("transcripts", distinct=True))
        .prefetch_related("participants")
    )
    return render(request, "aar/sessions.html", _ctx(sa, sessions=sessions))


def _session_input(form: SessionForm) -> services.SessionInput:
    return services.SessionInput(**form.cleaned_data)


@study_view(StudyCap.WRITE)
def session_new(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    form = SessionForm(
        request.POST or None,
        study=sa.study,
        initial={"fund": sa.fund, "kind": SessionKind.FOCUS_GROUP},
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_save(
                study=sa.study, data=_session_input(form), actor=request.user
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _back(sa, "aar_session", session.pk)
    return render(request, "aar/session_form.html", _ctx(sa, form=form, session=None))


def _session(sa: StudyAccess, session_id: int) -> Session:
    return get_object_or_404(
        sa.sessions().select_related("fund", "stage", "facilitator", "note_taker"), pk=session_id
    )


@study_view(StudyCap.WRITE)
def session_edit(request: HttpRequest, sa: StudyAccess, session_id: int) -> HttpResponse:
    session = _session(sa, session_id)
    initial = {
        f: getattr(session, f)
        for f in (
            "fund",
            "kind",
            "title",
            "target_group",
            "held_on",
            "place",
            "facilitator",
            "note_taker",
            "stage",
            "notes",
        )
    }
    form = SessionForm(request.POST or None, study=sa.study, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(study=sa.study, data=_session_input(form), session=session)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _back(sa, "aar_session", session.pk)
    return render(request, "aar/session_form.html", _ctx(sa, form=form, session=session))


def _read_upload(uploaded: object, request: HttpRequest | None = None) -> str:
    """The transcript file's text (.txt in UTF-8 or TIS-620/Windows-874, .docx, .odt) read by
    ``textfiles``; what the reader did (tracked changes, images, tables) is told to the user."""
    from kongtun.aar.textfiles import read_transcript_file

    try:
        result = read_transcript_file(uploaded)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    if request is not None:
        for note in result.notes:
            messages.info(request, note)
    return result.text


@upload_limit(MAX_TRANSCRIPT_UPLOAD)
@study_view(StudyCap.READ)
def session_detail(request: HttpRequest, sa: StudyAccess, session_id: int) -> HttpResponse:
    session = _session(sa, session_id)
    can_write = sa.can(StudyCap.WRITE)
    if request.method == "POST" and not can_write:
        raise PermissionDenied
    participant_form = ParticipantForm(
        request.POST if request.POST.get("action") == "participant" else None, fund=session.fund
    )
    transcript_form = TranscriptForm(
        request.POST if request.POST.get("action") == "transcript" else None,
        request.FILES if request.POST.get("action") == "transcript" else None,
    )
    memo_form = MemoForm(request.POST if request.POST.get("action") == "memo" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "participant" and participant_form.is_valid():
            try:
                services.participant_add(
                    session=session,
                    **{k: v for k, v in participant_form.cleaned_data.items() if k != "occupation"},
                    occupation_id=participant_form.cleaned_data["occupation"],
                )
            except ValidationError as exc:
                apply_service_errors(participant_form, exc)
            else:
                return _back(sa, "aar_session", session.pk)
        elif action == "transcript" and transcript_form.is_valid():
            data = transcript_form.cleaned_data
            try:
                if data["file"]:
                    text, source = _read_upload(data["file"], request), data["file"].name
                else:
                    text, source = data["text"], ""
                transcript = services.transcript_create(
                    session=session,
                    text=text,
                    title=data["title"],
                    source_name=source,
                    actor=request.user,
                )
            except ValidationError as exc:
                apply_service_errors(transcript_form, exc)
            else:
                return _back(sa, "aar_transcript", transcript.pk)
        elif action == "memo" and memo_form.is_valid():
            services.memo_add(
                study=sa.study,
                author=request.user,
                text=memo_form.cleaned_data["text"],
                session=session,
            )
            return _back(sa, "aar_session", session.pk)
    participants = list(session.participants.select_related("occupation"))
    return render(
        request,
        "aar/session.html",
        _ctx(
            sa,
            session=session,
            participants=participants,
            head_count=sum(p.count for p in participants),
            transcripts=session.transcripts.annotate(n_segments=Count("segments")),
            memos=session.memos.select_related("author"),
            participant_form=participant_form,
            transcript_form=transcript_form,
            memo_form=memo_form,
            can_write=can_write,
        ),
    )


# ----------------------------------------------------------------------------- coding


def _transcript(sa: StudyAccess, transcript_id: int) -> Transcript:
    return get_object_or_404(
        Transcript.objects.filter(session__in=sa.sessions()).select_related("session__fund"),
        pk=transcript_id,
    )


@study_view(StudyCap.READ)
def transcript_detail(request: HttpRequest, sa: StudyAccess, transcript_id: int) -> HttpResponse:
    """Read the transcript with the codes; coders select text and apply codes here."""
    transcript = _transcript(sa, transcript_id)
    can_code = sa.can(StudyCap.CODE)
    error = ""
    if request.method == "POST":
        if not can_code:
            raise PermissionDenied
        action = request.POST.get("action", "code")
        try:
            if action == "remove":
                segment = get_object_or_404(
                    Segment,
                    transcript=transcript,
                    coder=request.user,
                    pk=request.POST.get("segment"),
                )
                code = get_object_or_404(Code, study=sa.study, pk=request.POST.get("code"))
                services.coding_remove(segment=segment, code=code)
            else:
                codes = list(
                    Code.objects.filter(study=sa.study, pk__in=request.POST.getlist("codes"))
                )
                try:
                    start, end = (
                        int(request.POST.get("start", "")),
                        int(request.POST.get("end", "")),
                    )
                except ValueError:
                    raise ValidationError({"start": _("Select the text to code first.")}) from None
                services.segment_code(
                    transcript=transcript, start=start, end=end, coder=request.user, codes=codes
                )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect(
                reverse("aar_transcript", args=[sa.fund.pk, sa.study.pk, transcript.pk])
                + f"?coder={request.user.pk}"
            )
    coders = selectors.coders_of(transcript)
    shown = request.GET.get("coder", "")
    if not shown and can_code:
        shown = str(request.user.pk)
    segments = analysis.segments_for(transcript.segments.all())
    if shown and shown != "all":
        segments = [s for s in segments if str(s.coder_id) == shown]
    codes = list(sa.study.codes.all())
    return render(
        request,
        "aar/transcript.html",
        _ctx(
            sa,
            transcript=transcript,
            session=transcript.session,
            chunks=selectors.highlight_chunks(transcript.text, segments, {c.pk: c for c in codes}),
            segments=segments,
            code_tree=selectors.code_tree(codes),
            code_by_id={c.pk: c for c in codes},
            coders=coders,
            shown=shown,
            can_code=can_code,
            turns=transcript.turns.all(),
            error=error,
            posted=request.POST if error else None,
        ),
    )


@study_view(StudyCap.READ)
def segment_detail(request: HttpRequest, sa: StudyAccess, segment_id: int) -> HttpResponse:
    segment = get_object_or_404(
        Segment.objects.filter(transcript__session__in=sa.sessions()).select_related(
            "transcript__session", "coder"
        ),
        pk=segment_id,
    )
    form = MemoForm(request.POST or None)
    if request.method == "POST":
        if not sa.can(StudyCap.WRITE):
            raise PermissionDenied
        if form.is_valid():
            services.memo_add(
                study=sa.study, author=request.user, text=form.cleaned_data["text"], segment=segment
            )
            return _back(sa, "aar_segment", segment.pk)
    before, text, after = analysis.context_of(segment)
    return render(
        request,
        "aar/segment.html",
        _ctx(
            sa,
            segment=segment,
            before=before,
            text=text,
            after=after,
            codes=Code.objects.filter(codings__segment=segment),
            memos=segment.memos.select_related("author"),
            lessons=segment.lessons.all(),
            form=form,
        ),
    )


@study_view(StudyCap.READ)
def codebook(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    editing = None
    if request.GET.get("edit") and sa.can(StudyCap.WRITE):
        editing = get_object_or_404(Code, study=sa.study, pk=request.GET["edit"])
    form = None
    if sa.can(StudyCap.WRITE):
        initial = (
            {
                "name_th": editing.name_th,
                "name_en": editing.name_en,
                "definition": editing.definition,
                "colour": editing.colour,
                "parent": editing.parent,
            }
            if editing
            else {}
        )
        form = CodeForm(request.POST or None, study=sa.study, initial=initial)
        if request.method == "POST" and form.is_valid():
            code = (
                get_object_or_404(Code, study=sa.study, pk=request.POST["code"])
                if request.POST.get("code")
                else None
            )
            try:
                services.code_save(study=sa.study, code=code, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return _back(sa, "aar_codes")
    elif request.method == "POST":
        raise PermissionDenied
    codes = list(
        sa.study.codes.annotate(
            n=Count("codings", filter=selectors.visible_codings_q(sa), distinct=True)
        )
    )
    return render(
        request,
        "aar/codebook.html",
        _ctx(sa, code_tree=selectors.code_tree(codes), form=form, editing=editing),
    )


@study_view(StudyCap.READ)
def code_detail(request: HttpRequest, sa: StudyAccess, code_id: int) -> HttpResponse:
    """All segments of a code with their context, and memos on the code."""
    code = get_object_or_404(Code, study=sa.study, pk=code_id)
    form = MemoForm(request.POST or None)
    if request.method == "POST":
        if not sa.can(StudyCap.WRITE):
            raise PermissionDenied
        if form.is_valid():
            services.memo_add(
                study=sa.study, author=request.user, text=form.cleaned_data["text"], code=code
            )
            return _back(sa, "aar_code", code.pk)
    segments = analysis.segments_for(
        selectors.visible_segments(sa).filter(codings__code=code).distinct()
    )
    rows = [(s, *analysis.context_of(s)) for s in segments]
    return render(
        request,
        "aar/code.html",
        _ctx(
            sa,
            code=code,
            rows=rows,
            memos=code.memos.select_related("author"),
            form=form,
            children=code.children.all(),
        ),
    )


# ----------------------------------------------------------------------------- agreement


@study_view(StudyCap.WRITE)
def agreement(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    coders = selectors.study_coders(sa.study)
    a, b = selectors.pick_coders(coders, request.GET.get("a"), request.GET.get("b"))
    rows, units, shared = [], [], []
    if a and b:
        segments = analysis.segments_for(selectors.visible_segments(sa))
        codes = [c for c in sa.study.codes.all() if c.codings.exists() or c.children.count() == 0]
        rows, units = analysis.agreement(segments, a.pk, b.pk, codes)
        rows = [r for r in rows if r.both + r.only_a + r.only_b]
        shared = selectors.shared_transcripts(sa, a.pk, b.pk)
    return render(
        request,
        "aar/agreement.html",
        _ctx(sa, coders=coders, a=a, b=b, rows=rows, units=units, shared=shared),
    )


@study_view(StudyCap.WRITE)
def agreement_transcript(request: HttpRequest, sa: StudyAccess, transcript_id: int) -> HttpResponse:
    """Side by side: each passage, coder A's codes and coder B's; the lead settles."""
    transcript = _transcript(sa, transcript_id)
    coders = selectors.study_coders(sa.study)
    a, b = selectors.pick_coders(
        coders,
        request.GET.get("a") or request.POST.get("a"),
        request.GET.get("b") or request.POST.get("b"),
    )
    if not (a and b):
        raise Http404
    if request.method == "POST":
        if not sa.can(StudyCap.LEAD):
            raise PermissionDenied
        code = get_object_or_404(Code, study=sa.study, pk=request.POST.get("code"))
        try:
            services.settle(
                transcript=transcript,
                code=code,
                start=int(request.POST.get("start", -1)),
                end=int(request.POST.get("end", -1)),
                apply=request.POST.get("apply") == "1",
                coders=[a, b],
            )
        except (ValidationError, ValueError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(
            reverse("aar_agreement_transcript", args=[sa.fund.pk, sa.study.pk, transcript.pk])
            + f"?a={a.pk}&b={b.pk}"
        )
    segments = analysis.segments_for(transcript.segments.filter(coder__in=[a, b]))
    codes = {c.pk: c for c in sa.study.codes.all()}
    rows = []
    for p in analysis.passages(segments):
        ca, cb = p.codes_of(a.pk), p.codes_of(b.pk)
        rows.append(
            {
                "passage": p,
                "text": transcript.text[p.start : p.end],
                "same": [codes[i] for i in sorted(ca & cb)],
                "only_a": [codes[i] for i in sorted(ca - cb)],
                "only_b": [codes[i] for i in sorted(cb - ca)],
            }
        )
    return render(
        request, "aar/side_by_side.html", _ctx(sa, transcript=transcript, a=a, b=b, rows=rows)
    )


# ----------------------------------------------------------------------------- analysis


@study_view(StudyCap.READ)
def matrix_view(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    kind = request.GET.get("case", "fund")
    if kind not in analysis.CASE_KINDS:
        kind = "fund"
    coders = selectors.study_coders(sa.study)
    coder = request.GET.get("coder", "")
    qs = selectors.visible_segments(sa)
    if coder.isdigit():
        qs = qs.filter(coder_id=int(coder))
    segments = analysis.segments_for(qs)
    branch = request.GET.get("kind", "factor")
    codes = selectors.leaf_codes(sa.study, branch)
    m = analysis.matrix(segments, codes, kind)
    cell = None
    if request.GET.get("code") and request.GET.get("cell"):
        code = next((c for c in codes if str(c.pk) == request.GET["code"]), None)
        if code:
            behind = m.cells.get((code.pk, request.GET["cell"]), [])
            label = dict(m.cases).get(request.GET["cell"], "")
            cell = {
                "code": code,
                "label": label,
                "rows": [(s, *analysis.context_of(s, 40)) for s in behind],
            }
    return render(
        request,
        "aar/matrix.html",
        _ctx(
            sa,
            m=m,
            kind=kind,
            branch=branch,
            coders=coders,
            coder=coder,
            cell=cell,
            case_kinds=selectors.CASE_LABELS,
            branches=selectors.BRANCH_LABELS,
        ),
    )


@study_view(StudyCap.READ)
def cooccurrence_view(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    branch = request.GET.get("kind", "factor")
    codes = selectors.leaf_codes(sa.study, branch)
    segments = analysis.segments_for(selectors.visible_segments(sa))
    pairs = analysis.cooccurrence(segments, codes)
    used = [c for c in codes if any(c.pk in p for p in pairs)]
    table = [
        (
            r,
            [
                pairs.get((min(r.pk, c.pk), max(r.pk, c.pk)), 0) if r.pk != c.pk else None
                for c in used
            ],
        )
        for r in used
    ]
    top = sorted(pairs.items(), key=lambda kv: -kv[1])[:15]
    by_id = {c.pk: c for c in codes}
    return render(
        request,
        "aar/cooccurrence.html",
        _ctx(
            sa,
            branch=branch,
            branches=selectors.BRANCH_LABELS,
            used=used,
            table=table,
            svg=analysis.network_svg(codes, pairs),
            top=[(by_id[a], by_id[b], n) for (a, b), n in top],
        ),
    )


@study_view(StudyCap.READ)
def words_view(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    transcripts = (
        Transcript.objects.filter(session__in=sa.sessions())
        .select_related("session")
        .prefetch_related("turns")
    )
    return render(
        request, "aar/words.html", _ctx(sa, groups=analysis.word_frequencies(transcripts))
    )


# ----------------------------------------------------------------------------- lessons


@study_view(StudyCap.READ)
def lesson_list(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    segments = selectors.visible_segments(sa).select_related("transcript__session")
    form = None
    if sa.can(StudyCap.WRITE):
        form = LessonForm(request.POST or None, study=sa.study, segments=segments)
        if request.method == "POST" and form.is_valid():
            try:
                lesson = services.lesson_save(
                    study=sa.study, lesson=None, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return _back(sa, "aar_lesson", lesson.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request, "aar/lessons.html", _ctx(sa, lessons=selectors.visible_lessons(sa), form=form)
    )


@study_view(StudyCap.READ)
def lesson_detail(request: HttpRequest, sa: StudyAccess, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(selectors.visible_lessons(sa), pk=lesson_id)
    can_write = sa.can(StudyCap.WRITE)
    segments = selectors.visible_segments(sa).select_related("transcript__session")
    action_form = ActionForm(request.POST if request.POST.get("action") == "add" else None)
    lesson_form = LessonForm(
        request.POST if request.POST.get("action") == "edit" else None,
        study=sa.study,
        segments=segments,
        initial={
            "statement": lesson.statement,
            "recommendation": lesson.recommendation,
            "fund": lesson.fund,
            "stage": lesson.stage,
            "factors": list(lesson.factors.all()),
            "evidence": list(lesson.evidence.all()),
        },
    )
    meetings = Meeting.objects.filter(
        fund__in=[lesson.fund] if lesson.fund else sa.study.funds.all(),
        kind=MeetingKind.COMMITTEE,
        date__gte=timezone.localdate(),
    ).select_related("fund")
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "add" and action_form.is_valid():
                services.action_save(lesson=lesson, action=None, **action_form.cleaned_data)
                return _back(sa, "aar_lesson", lesson.pk)
            if action == "status":
                item = get_object_or_404(Action, lesson=lesson, pk=request.POST.get("item"))
                services.action_save(
                    lesson=lesson,
                    action=item,
                    description=item.description,
                    owner=item.owner,
                    due_on=item.due_on,
                    status=request.POST.get("status", ""),
                )
                return _back(sa, "aar_lesson", lesson.pk)
            if action == "edit" and lesson_form.is_valid():
                services.lesson_save(study=sa.study, lesson=lesson, **lesson_form.cleaned_data)
                return _back(sa, "aar_lesson", lesson.pk)
            if action == "agenda":
                meeting = get_object_or_404(meetings, pk=request.POST.get("meeting"))
                services.lesson_put_on_agenda(lesson=lesson, meeting=meeting, actor=request.user)
                messages.success(request, _("The lesson is on the meeting's agenda."))
                return _back(sa, "aar_lesson", lesson.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    evidence = [
        (s, *analysis.context_of(s, 40))
        for s in lesson.evidence.filter(pk__in=segments.values("pk")).select_related(
            "transcript__session"
        )
    ]
    return render(
        request,
        "aar/lesson.html",
        _ctx(
            sa,
            lesson=lesson,
            evidence=evidence,
            actions=lesson.actions.all(),
            agenda=lesson.agenda_items.select_related("meeting__fund"),
            meetings=meetings,
            action_form=action_form,
            lesson_form=lesson_form,
            can_write=can_write,
            statuses=Action._meta.get_field("status").choices,
        ),
    )


# ----------------------------------------------------------------------------- reports


@study_view(StudyCap.READ)
def report_html(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    return render(request, "aar/report.html", _ctx(sa, **reports.report_context(sa)))


@study_view(StudyCap.READ)
def report_pdf(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    return file_response(
        reports.report_pdf(sa), "application/pdf", f"aar-lessons-{sa.study.pk}.pdf", inline=True
    )


@study_view(StudyCap.READ)
def segments_xlsx(request: HttpRequest, sa: StudyAccess) -> HttpResponse:
    return file_response(
        reports.segments_xlsx(sa),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"aar-segments-{sa.study.pk}.xlsx",
        inline=False,
    )
