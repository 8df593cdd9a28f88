"""Lessons learned by After Action Review (ถอดบทเรียน), as the seed study ran it (decision 0022).

A ``Study`` covers one fund or several (``StudyFund``); its team (``TeamMember``) reads it all.
Sessions (focus groups, in-depth interviews, group conferences) belong to one of the study's
funds; their transcripts are kept exactly as typed or read, with speaker turns by character
offsets. Coders mark ``Segment`` s (offsets that never split a Thai grapheme cluster) and apply
``Code`` s from the study's codebook (the 15 INFORMAL SECTOR factors, the SW-NT stages, the four
conceptual bases, and the team's own). Lessons cite their evidence segments and carry actions.

Offsets are Python string indices (Unicode code points), the unit REFI-QDA counts in.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kongtun.funds.models import Fund, OccupationGroup


def _is_english() -> bool:
    return (get_language() or "th").startswith("en")


class Study(models.Model):
    """One AAR project: its title, the funds it covers, its team and three phases."""

    title = models.CharField(_("study title"), max_length=300)
    purpose = models.TextField(_("purpose"), blank=True)
    funds = models.ManyToManyField(Fund, through="StudyFund", related_name="aar_studies")
    synthetic = models.BooleanField(
        _("synthetic (demonstration) data"),
        default=False,
        help_text=_("Transcripts written for the demonstration, not spoken by real people."),
    )
    guid = models.UUIDField(_("exchange identifier"), default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lessons-learned study")

    def __str__(self) -> str:
        return self.title


class StudyFund(models.Model):
    """A fund the study covers. Its committee reads the fund's own sessions only when the
    study's lead allows it (``committee_may_read``)."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="study_funds")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="aar_study_links")
    committee_may_read = models.BooleanField(
        _("the fund's committee may read its sessions"), default=False
    )

    class Meta:
        ordering = ["study", "fund__name_th"]
        verbose_name = _("fund in the study")
        constraints = [
            models.UniqueConstraint(fields=["study", "fund"], name="aar_studyfund_unique")
        ]

    def __str__(self) -> str:
        return f"{self.study} · {self.fund}"


class TeamRole(models.TextChoices):
    LEAD = "lead", _("lead researcher")
    FACILITATOR = "facilitator", _("facilitator")
    NOTE_TAKER = "note_taker", _("note-taker")
    CODER = "coder", _("coder")


class TeamMember(models.Model):
    """A login's role in the study's team. One login may hold several roles."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="aar_roles"
    )
    role = models.CharField(_("role"), max_length=12, choices=TeamRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["study", "role", "user__username"]
        verbose_name = _("team member")
        constraints = [
            models.UniqueConstraint(
                fields=["study", "user", "role"],
                condition=Q(revoked_at__isnull=True),
                name="aar_team_unique_active",
            ),
            models.CheckConstraint(
                condition=Q(role__in=TeamRole.values), name="aar_team_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class PhaseKind(models.TextChoices):
    PREPARATION = "preparation", _("preparing the AAR")
    CONDUCT = "conduct", _("carrying out the AAR")
    CONCLUSION = "conclusion", _("concluding: content analysis, categorization, linkage")


PHASE_ORDER = [PhaseKind.PREPARATION, PhaseKind.CONDUCT, PhaseKind.CONCLUSION]


class Phase(models.Model):
    """One of the study's three steps, with its dates."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="phases")
    kind = models.CharField(_("phase"), max_length=12, choices=PhaseKind.choices)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("phase")
        constraints = [
            models.UniqueConstraint(fields=["study", "kind"], name="aar_phase_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="aar_phase_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study} · {self.get_kind_display()}"

    @property
    def position(self) -> int:
        return PHASE_ORDER.index(self.kind) + 1


class QuestionGuide(models.Model):
    """The study's interview guide: the four AAR questions and the study's own topics."""

    study = models.OneToOneField(Study, on_delete=models.PROTECT, related_name="guide")
    introduction = models.TextField(_("introduction read to participants"), blank=True)

    class Meta:
        verbose_name = _("question guide")

    def __str__(self) -> str:
        return str(self.study)


class QuestionKind(models.TextChoices):
    AAR = "aar", _("AAR question")
    TOPIC = "topic", _("study topic")


class Question(models.Model):
    guide = models.ForeignKey(QuestionGuide, on_delete=models.PROTECT, related_name="questions")
    kind = models.CharField(_("kind"), max_length=6, choices=QuestionKind.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    text_th = models.TextField(_("question (Thai)"))
    text_en = models.TextField(_("question (English)"), blank=True)
    probes = models.TextField(_("probes"), blank=True, help_text=_("One per line."))

    class Meta:
        ordering = ["guide", "kind", "position", "id"]
        verbose_name = _("guide question")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self.text_en if _is_english() and self.text_en else self.text_th

    @property
    def probe_list(self) -> list[str]:
        return [p.strip() for p in self.probes.splitlines() if p.strip()]


class SessionKind(models.TextChoices):
    FOCUS_GROUP = "focus_group", _("focus group")
    INTERVIEW = "interview", _("in-depth interview")
    CONFERENCE = "conference", _("group conference")


class TargetGroup(models.TextChoices):
    """The study's target groups, and the academic centre in a group conference."""

    WORKING_TEAM = "working_team", _("welfare working team / coordinator")
    COMMUNITY_LEADER = "community_leader", _("community leader")
    INFORMAL_WORKER = "informal_worker", _("informal worker")
    OHS_VOLUNTEER = "ohs_volunteer", _("occupational-health volunteer")
    ACADEMIC = "academic", _("academic centre")


class Session(models.Model):
    """A focus group, an in-depth interview or a group conference held in one of the study's
    funds. ``stage`` is the fund's SW-NT stage the session reviews (development app)."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="sessions")
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="aar_sessions", verbose_name=_("fund")
    )
    kind = models.CharField(_("kind of session"), max_length=12, choices=SessionKind.choices)
    title = models.CharField(_("session title"), max_length=300)
    target_group = models.CharField(
        _("main target group"), max_length=20, choices=TargetGroup.choices
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    note_taker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("note-taker"),
    )
    stage = models.ForeignKey(
        "development.Stage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aar_sessions",
        verbose_name=_("SW-NT stage reviewed"),
    )
    notes = models.TextField(_("notes"), blank=True)
    guid = models.UUIDField(_("exchange identifier"), default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["study", "held_on", "id"]
        verbose_name = _("session")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SessionKind.values), name="aar_session_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(target_group__in=TargetGroup.values),
                name="aar_session_group_valid",
            ),
        ]
        indexes = [models.Index(fields=["study", "fund"])]

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    """People of one target group at a session: a head count, or one named person. A named
    person's name stays in the app; exports and reports use the pseudonym unless the person
    consented to be named (``consent_named``)."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="participants")
    target_group = models.CharField(_("target group"), max_length=20, choices=TargetGroup.choices)
    occupation = models.ForeignKey(
        OccupationGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation group"),
    )
    count = models.PositiveSmallIntegerField(_("number of people"), default=1)
    name = models.CharField(_("name"), max_length=200, blank=True)
    pseudonym = models.CharField(
        _("pseudonym"), max_length=100, blank=True, help_text=_("What leaves the app.")
    )
    consent_given = models.BooleanField(_("consented to take part and be recorded"), default=False)
    consent_named = models.BooleanField(_("consented to be named in reports"), default=False)
    consent_on = models.DateField(_("consent recorded on"), null=True, blank=True)
    guid = models.UUIDField(_("exchange identifier"), default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["session", "target_group", "id"]
        verbose_name = _("participant")
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="aar_participant_count_pos"),
            models.CheckConstraint(
                condition=Q(target_group__in=TargetGroup.values),
                name="aar_participant_group_valid",
            ),
            models.CheckConstraint(
                condition=Q(pseudonym="") | Q(count=1), name="aar_participant_person_is_one"
            ),
            models.CheckConstraint(
                condition=Q(name="") | ~Q(pseudonym=""), name="aar_participant_named_has_pseudonym"
            ),
            models.CheckConstraint(
                condition=Q(consent_named=False) | Q(consent_given=True),
                name="aar_participant_named_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(target_group="informal_worker") | Q(occupation__isnull=True),
                name="aar_participant_occupation_only_workers",
            ),
        ]

    def __str__(self) -> str:
        return self.public_name or self.get_target_group_display()

    @property
    def is_person(self) -> bool:
        return bool(self.pseudonym)

    @property
    def public_name(self) -> str:
        """The name that may leave the app: the real name only with consent."""
        if self.name and self.consent_named:
            return self.name
        return self.pseudonym


class Transcript(models.Model):
    """The exact text of a session, as typed or read from a file. Segments point into it by
    offsets, so once coded the text is not changed (a corrected text is a new transcript)."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="transcripts")
    title = models.CharField(_("transcript title"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    source_name = models.CharField(_("read from file"), max_length=255, blank=True)
    synthetic = models.BooleanField(_("synthetic (written for the demonstration)"), default=False)
    guid = models.UUIDField(_("exchange identifier"), default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["session", "id"]
        verbose_name = _("transcript")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="aar_transcript_not_empty")
        ]

    def __str__(self) -> str:
        return self.title or str(self.session)


class SpeakerTurn(models.Model):
    """Who spoke ``text[start:end]``: a participant, or a label and a target group."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="turns")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    speaker = models.CharField(_("speaker"), max_length=100)
    target_group = models.CharField(
        _("target group"), max_length=20, choices=TargetGroup.choices, blank=True
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="turns"
    )

    class Meta:
        ordering = ["transcript", "start"]
        verbose_name = _("speaker turn")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="aar_turn_nonempty"),
            models.UniqueConstraint(fields=["transcript", "start"], name="aar_turn_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker} [{self.start}:{self.end}]"


class CodeKind(models.TextChoices):
    FACTOR = "factor", _("INFORMAL SECTOR factor")
    STAGE = "stage", _("SW-NT stage")
    BASIS = "basis", _("conceptual basis")
    OWN = "own", _("team's own code")


class Code(models.Model):
    """A code of the study's codebook; hierarchical through ``parent``."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="codes")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent code"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=CodeKind.choices, default="own")
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#888888")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    factor = models.ForeignKey(
        "assessment.Factor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aar_codes",
        verbose_name=_("factor"),
    )
    stage = models.ForeignKey(
        "development.DefaultStage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aar_codes",
        verbose_name=_("SW-NT stage"),
    )
    guid = models.UUIDField(_("exchange identifier"), default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["study", "kind", "position", "id"]
        verbose_name = _("code")
        constraints = [
            models.UniqueConstraint(
                fields=["study", "parent", "name_th"], name="aar_code_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="aar_code_colour_hex"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CodeKind.values), name="aar_code_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if _is_english() and self.name_en else self.name_th


class Segment(models.Model):
    """``transcript.text[start:end]`` as one coder marked it. Offsets fall on grapheme cluster
    boundaries (``graphemes.check_span``); the codes applied are its ``Coding`` rows."""

    transcript = models.ForeignKey(Transcript, on_delete=models.PROTECT, related_name="segments")
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="aar_segments"
    )
    codes = models.ManyToManyField(Code, through="Coding", related_name="segments")
    guid = models.UUIDField(_("exchange identifier"), default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["transcript", "start", "end", "id"]
        verbose_name = _("coded segment")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="aar_segment_nonempty"),
            models.UniqueConstraint(
                fields=["transcript", "coder", "start", "end"], name="aar_segment_unique_span"
            ),
        ]
        indexes = [models.Index(fields=["transcript", "coder"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def text(self) -> str:
        return self.transcript.text[self.start : self.end]


class Coding(models.Model):
    """One code applied to one segment."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="codings")
    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="codings")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coding")
        constraints = [
            models.UniqueConstraint(fields=["segment", "code"], name="aar_coding_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} @ {self.segment_id}"


class Memo(models.Model):
    """A researcher's note on a code, a segment or a session (exactly one)."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="memos")
    code = models.ForeignKey(
        Code, on_delete=models.PROTECT, null=True, blank=True, related_name="memos"
    )
    segment = models.ForeignKey(
        Segment, on_delete=models.CASCADE, null=True, blank=True, related_name="memos"
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="memos"
    )
    text = models.TextField(_("memo"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    guid = models.UUIDField(_("exchange identifier"), default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["study", "-created_at", "-id"]
        verbose_name = _("memo")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__isnull=False, segment__isnull=True, session__isnull=True)
                | Q(code__isnull=True, segment__isnull=False, session__isnull=True)
                | Q(code__isnull=True, segment__isnull=True, session__isnull=False),
                name="aar_memo_one_target",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="aar_memo_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Lesson(models.Model):
    """A lesson learned: the statement, the evidence behind it, what it concerns, and what to
    do next time."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="lessons")
    fund = models.ForeignKey(
        Fund,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aar_lessons",
        verbose_name=_("fund"),
        help_text=_("Empty when the lesson holds for every fund of the study."),
    )
    statement = models.TextField(_("lesson"))
    recommendation = models.TextField(_("recommendation"), blank=True)
    stage = models.ForeignKey(
        "development.DefaultStage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aar_lessons",
        verbose_name=_("SW-NT stage"),
    )
    factors = models.ManyToManyField(
        "assessment.Factor", blank=True, related_name="aar_lessons", verbose_name=_("factors")
    )
    evidence = models.ManyToManyField(
        Segment, blank=True, related_name="lessons", verbose_name=_("evidence")
    )
    position = models.PositiveSmallIntegerField(_("lesson number"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["study", "position", "id"]
        verbose_name = _("lesson")
        constraints = [
            models.CheckConstraint(condition=~Q(statement=""), name="aar_lesson_not_empty")
        ]

    def __str__(self) -> str:
        return self.statement[:80]


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class Action(models.Model):
    """What someone will do about a lesson, by when."""

    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField(_("action"))
    owner = models.CharField(_("who will do it"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lesson", "due_on", "id"]
        verbose_name = _("action")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="aar_action_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="aar_action_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class LessonOnAgenda(models.Model):
    """A lesson put on a committee meeting's agenda (governance app)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="agenda_items")
    meeting = models.ForeignKey(
        "governance.Meeting", on_delete=models.PROTECT, related_name="aar_lessons"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("lesson on an agenda")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "meeting"], name="aar_lesson_agenda_unique")
        ]

    def __str__(self) -> str:
        return f"{self.lesson} → {self.meeting}"


from kongtun.aar.models_search import TranscriptWord  # noqa: E402,F401  the KWIC index (0023)
