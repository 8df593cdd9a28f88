"""The INFORMAL SECTOR self-assessment: factors, a fund's question bank, rounds, respondents
and their answers (1–5). Every row reaches its fund through ``round.fund`` or ``fund``;
``Factor`` is reference content from the study, shared by all funds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kongtun.funds.models import Fund

SCALE_MIN, SCALE_MAX = 1, 5


def _is_english() -> bool:
    return (get_language() or "th").startswith("en")


class Factor(models.Model):
    """One of the study's 15 enabling factors (ปัจจัยเอื้อ)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    letter = models.CharField(_("letter"), max_length=2)
    name_th = models.CharField(_("name (Thai)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    quote_th = models.TextField(_("the study's words (Thai)"))
    quote_en = models.TextField(_("the study's words (English)"))
    recommendation_th = models.TextField(_("recommendation (Thai)"))
    recommendation_en = models.TextField(_("recommendation (English)"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("enabling factor")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if _is_english() else self.name_th

    @property
    def other_name(self) -> str:
        return self.name_th if _is_english() else self.name_en

    @property
    def quote(self) -> str:
        return self.quote_en if _is_english() else self.quote_th

    @property
    def recommendation(self) -> str:
        return self.recommendation_en if _is_english() else self.recommendation_th


class Question(models.Model):
    """A statement of a fund's question bank, answered on the 1–5 scale. A question that has
    been answered keeps its wording; it is retired and replaced instead."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="assessment_questions")
    factor = models.ForeignKey(
        Factor, on_delete=models.PROTECT, related_name="questions", verbose_name=_("factor")
    )
    text_th = models.CharField(_("statement (Thai)"), max_length=300)
    text_en = models.CharField(_("statement (English)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "factor__position", "position", "id"]
        verbose_name = _("question")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self.text_en if _is_english() and self.text_en else self.text_th


class RoundStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Round(models.Model):
    """One assessment round of a fund: a fixed set of questions answered by many people."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="assessment_rounds")
    number = models.PositiveIntegerField(_("round number"))
    title = models.CharField(_("title"), max_length=200)
    opened_on = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    questions = models.ManyToManyField(Question, through="RoundQuestion", related_name="rounds")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["fund", "-opened_on", "-number"]
        verbose_name = _("assessment round")
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="round_unique_number"),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="round_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class RoundQuestion(models.Model):
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="round_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "question"], name="roundquestion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}#{self.position}:{self.question_id}"


class RespondentGroup(models.TextChoices):
    COMMITTEE = "committee", _("committee")
    LEADER = "leader", _("community leader")
    MEMBER = "member", _("member")
    VOLUNTEER = "volunteer", _("volunteer")
    AGENCY = "agency", _("agency")


class Channel(models.TextChoices):
    PHONE = "phone", _("on a phone")
    PAPER = "paper", _("paper form")


class ResponseCode(models.Model):
    """A one-time code the committee prints on a slip and hands out: whoever holds it answers
    the round once, on any phone (a code is burned by the answer it gave)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="codes")
    code = models.CharField(_("code"), max_length=12, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("response code")

    def __str__(self) -> str:
        return self.code


class Respondent(models.Model):
    """One filled-in questionnaire. Anonymous unless a name is given; a named respondent
    answers once per round (``name_key`` is the normalized name)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="respondents")
    group = models.CharField(_("respondent group"), max_length=10, choices=RespondentGroup.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    name_key = models.CharField(max_length=200, blank=True, editable=False)
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    paper_form_number = models.CharField(_("paper form number"), max_length=20, blank=True)
    # One submission per form shown: a second tap on "send" is not a second respondent.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    #: Answered on a phone by the login that entered it, for itself: once per round.
    self_answered = models.BooleanField(default=False, editable=False)
    #: Answered with a code from a paper slip: the code answers once.
    code = models.OneToOneField(
        ResponseCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="respondent",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("respondent")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "entered_by"],
                condition=Q(self_answered=True),
                name="respondent_login_once_per_round",
            ),
            models.CheckConstraint(
                condition=Q(self_answered=False) | Q(entered_by__isnull=False, code__isnull=True),
                name="respondent_self_answer_has_login_no_code",
            ),
            models.UniqueConstraint(
                fields=["round", "name_key"],
                condition=~Q(name_key=""),
                name="respondent_named_once_per_round",
            ),
            models.UniqueConstraint(
                fields=["round", "paper_form_number"],
                condition=~Q(paper_form_number=""),
                name="respondent_paper_form_once",
            ),
            models.CheckConstraint(
                condition=Q(group__in=RespondentGroup.values), name="respondent_group_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="respondent_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.pk} {self.get_group_display()}"

    @property
    def is_anonymous(self) -> bool:
        return not self.name_key


class Answer(models.Model):
    respondent = models.ForeignKey(Respondent, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(_("answer"))

    class Meta:
        verbose_name = _("answer")
        constraints = [
            models.UniqueConstraint(fields=["respondent", "question"], name="answer_unique"),
            models.CheckConstraint(
                condition=Q(value__gte=SCALE_MIN, value__lte=SCALE_MAX),
                name="answer_value_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.respondent_id}/{self.question_id}={self.value}"
