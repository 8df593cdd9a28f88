"""Writes of the self-assessment: the question bank, rounds, and the answers of respondents.

Every function is one transaction and refuses bad input with a ``ValidationError`` keyed by the
field (``q_<question id>`` for an answer, ``name``, ``group``, ``paper_form_number``, ``round``;
``row_<n>`` for a row of the paper grid), so nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kongtun.assessment.content import DEFAULT_QUESTIONS
from kongtun.assessment.models import (
    SCALE_MAX,
    SCALE_MIN,
    Answer,
    Channel,
    Factor,
    Question,
    Respondent,
    RespondentGroup,
    ResponseCode,
    Round,
    RoundQuestion,
    RoundStatus,
)
from kongtun.core.models import counter_next
from kongtun.funds.models import Fund
from kongtun.members.services import normalize_name


def _add(errors: dict[str, list], name: str, message: object) -> None:
    errors.setdefault(name, []).append(message)


def answer_field(question_id: int) -> str:
    """The field name of one answer, in services, forms and error messages alike."""
    return f"q_{question_id}"


CLOSED_ROUND = _("This round is closed; its answers can no longer be changed.")
OUT_OF_SCALE = _("Answer with a whole number from 1 to 5.")
ALREADY_ANSWERED = _(
    "You have already answered this round. To answer for someone else on this phone, enter "
    "the code from their paper slip."
)
CODE_UNKNOWN = _("This code is not one of this round's codes; please check the slip.")
CODE_USED = _("This code has already been used; each code answers once.")
# Letters and digits that cannot be mistaken for one another on a printed slip.
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
CODE_LENGTH = 8
CODES_MAX_AT_ONCE = 500


# --- question bank -------------------------------------------------------------------------


@transaction.atomic
def question_bank_install_default(*, fund: Fund) -> list[Question]:
    """Copy the default statements (two per factor) into the fund's bank, once."""
    if Question.objects.filter(fund=fund).exists():
        return list(Question.objects.filter(fund=fund))
    factors = {f.code: f for f in Factor.objects.all()}
    rows = []
    for code, statements in DEFAULT_QUESTIONS.items():
        if code not in factors:
            continue
        for i, (th, en) in enumerate(statements, 1):
            rows.append(
                Question(fund=fund, factor=factors[code], text_th=th, text_en=en, position=i)
            )
    return Question.objects.bulk_create(rows)


@transaction.atomic
def question_add(*, fund: Fund, factor: Factor, text_th: str, text_en: str = "") -> Question:
    errors: dict[str, list] = {}
    if not text_th.strip():
        _add(errors, "text_th", _("Please write the statement in Thai."))
    if errors:
        raise ValidationError(errors)
    position = (
        Question.objects.filter(fund=fund, factor=factor).aggregate(m=Max("position"))["m"] or 0
    ) + 1
    return Question.objects.create(
        fund=fund,
        factor=factor,
        text_th=text_th.strip(),
        text_en=text_en.strip(),
        position=position,
    )


@transaction.atomic
def question_update(*, question: Question, text_th: str, text_en: str, active: bool) -> Question:
    """Reword or retire a statement. Once answered, its wording is what people answered: it can
    be retired (and a new one added) but not reworded."""
    errors: dict[str, list] = {}
    text_th, text_en = text_th.strip(), text_en.strip()
    if not text_th:
        _add(errors, "text_th", _("Please write the statement in Thai."))
    changed = (text_th, text_en) != (question.text_th, question.text_en)
    if changed and Answer.objects.filter(question=question).exists():
        _add(
            errors,
            "text_th",
            _(
                "People have answered this statement as it is written; retire it and add a new "
                "one instead of rewording it."
            ),
        )
    if errors:
        raise ValidationError(errors)
    question.text_th, question.text_en, question.active = text_th, text_en, active
    question.save(update_fields=["text_th", "text_en", "active"])
    return question


# --- rounds --------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    fund: Fund,
    title: str,
    opened_on: dt.date,
    actor: AbstractBaseUser | None,
    note: str = "",
    today: dt.date | None = None,
) -> Round:
    """Open a round with the fund's statements in use (the default bank if it has none)."""
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    if not title.strip():
        _add(errors, "title", _("Please give the round a title."))
    if opened_on > today:
        _add(errors, "opened_on", _("The date cannot be in the future."))
    if errors:
        raise ValidationError(errors)
    question_bank_install_default(fund=fund)
    questions = list(
        Question.objects.filter(fund=fund, active=True).order_by(
            "factor__position", "position", "id"
        )
    )
    if not questions:
        raise ValidationError({"__all__": [_("The question bank has no statement in use.")]})
    rnd = Round.objects.create(
        fund=fund,
        number=counter_next(fund_id=fund.pk, key="assessment_round"),
        title=title.strip(),
        opened_on=opened_on,
        note=note.strip(),
        created_by=actor,
    )
    RoundQuestion.objects.bulk_create(
        RoundQuestion(round=rnd, question=q, position=i) for i, q in enumerate(questions, 1)
    )
    return rnd


@transaction.atomic
def round_close(*, round: Round, actor: AbstractBaseUser | None) -> Round:
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    if rnd.status == RoundStatus.CLOSED:
        raise ValidationError({"round": [_("This round is already closed.")]})
    rnd.status = RoundStatus.CLOSED
    rnd.closed_at = timezone.now()
    rnd.closed_by = actor
    rnd.save(update_fields=["status", "closed_at", "closed_by"])
    round.status, round.closed_at, round.closed_by = rnd.status, rnd.closed_at, actor
    return rnd


# --- respondents and answers ---------------------------------------------------------------


@dataclass
class RespondentInput:
    group: str
    answers: Mapping[int, int | None]  # question id -> 1..5, None for no answer
    channel: str = Channel.PHONE
    name: str = ""
    paper_form_number: str = ""
    submission_key: uuid.UUID | None = None
    #: A one-time code from a paper slip (phone answers for someone without their own login).
    code: str = ""
    row: int = 0  # the row of the paper grid it was typed in, named in error messages


def name_key(name: str) -> str:
    return normalize_name(name).casefold()


def _check_open(rnd: Round) -> None:
    # Read the status again inside the transaction: another user may just have closed it.
    status = Round.objects.filter(pk=rnd.pk).values_list("status", flat=True).first()
    if status != RoundStatus.OPEN:
        raise ValidationError({"round": [CLOSED_ROUND]})


def _validate_respondent(
    rnd: Round,
    data: RespondentInput,
    *,
    question_ids: set[int],
    exclude_pk: int | None = None,
    seen_names: set[str] | None = None,
    seen_forms: set[str] | None = None,
) -> dict[str, list]:
    errors: dict[str, list] = {}
    if data.group not in RespondentGroup.values:
        _add(errors, "group", _("Choose the respondent's group."))
    if data.channel not in Channel.values:
        _add(errors, "channel", _("Unknown channel."))
    answered = 0
    for qid, value in data.answers.items():
        if qid not in question_ids:
            _add(errors, "__all__", _("A statement that is not part of this round was answered."))
            continue
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (SCALE_MIN <= value <= SCALE_MAX)
        ):
            _add(errors, answer_field(qid), OUT_OF_SCALE)
            continue
        answered += 1
    if answered == 0 and not any(k.startswith("q_") for k in errors):
        _add(errors, "__all__", _("Answer at least one statement."))
    key = name_key(data.name)
    if key:
        others = Respondent.objects.filter(round=rnd, name_key=key)
        if exclude_pk:
            others = others.exclude(pk=exclude_pk)
        if others.exists() or (seen_names is not None and key in seen_names):
            _add(
                errors,
                "name",
                _("%(name)s has already answered this round; a named person answers once.")
                % {"name": normalize_name(data.name)},
            )
        if seen_names is not None:
            seen_names.add(key)
    form_no = data.paper_form_number.strip()
    if form_no:
        others = Respondent.objects.filter(round=rnd, paper_form_number=form_no)
        if exclude_pk:
            others = others.exclude(pk=exclude_pk)
        if others.exists() or (seen_forms is not None and form_no in seen_forms):
            _add(
                errors,
                "paper_form_number",
                _("Paper form %(number)s is already entered in this round.") % {"number": form_no},
            )
        if seen_forms is not None:
            seen_forms.add(form_no)
    return errors


def _round_question_ids(rnd: Round) -> set[int]:
    return set(RoundQuestion.objects.filter(round=rnd).values_list("question_id", flat=True))


def _write(respondent: Respondent, answers: Mapping[int, int | None]) -> None:
    Answer.objects.bulk_create(
        Answer(respondent=respondent, question_id=qid, value=value)
        for qid, value in answers.items()
        if value is not None
    )


def _create(
    rnd: Round,
    data: RespondentInput,
    actor: AbstractBaseUser | None,
    *,
    code: ResponseCode | None = None,
    self_answered: bool = False,
) -> Respondent:
    respondent = Respondent.objects.create(
        code=code,
        self_answered=self_answered,
        round=rnd,
        group=data.group,
        name=normalize_name(data.name),
        name_key=name_key(data.name),
        channel=data.channel,
        paper_form_number=data.paper_form_number.strip(),
        submission_key=data.submission_key,
        entered_by=actor,
    )
    _write(respondent, data.answers)
    return respondent


@transaction.atomic
def respondent_submit(
    *, round: Round, data: RespondentInput, actor: AbstractBaseUser | None
) -> Respondent:
    """One questionnaire, from a phone or typed from paper. A repeated submission (same
    ``submission_key``, e.g. a double tap) returns the first respondent unchanged."""
    if data.submission_key:
        earlier = Respondent.objects.filter(round=round, submission_key=data.submission_key).first()
        if earlier is not None:
            return earlier
    _check_open(round)
    errors = _validate_respondent(round, data, question_ids=_round_question_ids(round))
    code, self_answered = None, False
    if data.channel == Channel.PHONE:
        if data.code.strip():
            code = ResponseCode.objects.filter(round=round, code=code_normalize(data.code)).first()
            if code is None:
                _add(errors, "code", CODE_UNKNOWN)
            elif code.used_at is not None:
                _add(errors, "code", CODE_USED)
        elif actor is not None and actor.is_authenticated:
            # Without a code, the login answers for itself: once per round.
            self_answered = True
            if Respondent.objects.filter(
                round=round, entered_by=actor, self_answered=True
            ).exists():
                _add(errors, "code", ALREADY_ANSWERED)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            if code is not None and not ResponseCode.objects.filter(
                pk=code.pk, used_at__isnull=True
            ).update(used_at=timezone.now()):
                raise ValidationError({"code": [CODE_USED]})  # burned a moment ago
            return _create(round, data, actor, code=code, self_answered=self_answered)
    except IntegrityError:
        # Two phones sending at the same moment: the database's rules decide.
        if code is not None:
            raise ValidationError({"code": [CODE_USED]}) from None
        if self_answered:
            raise ValidationError({"code": [ALREADY_ANSWERED]}) from None
        raise ValidationError(
            {"name": [_("This person has already answered this round.")]}
        ) from None


def code_normalize(text: str) -> str:
    """What was typed from a slip: case, spaces and dashes do not matter, Thai digits count."""
    text = (text or "").translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    return "".join(ch for ch in text.upper() if ch.isalnum())


def code_display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


@transaction.atomic
def codes_create(*, round: Round, count: int, actor: AbstractBaseUser | None) -> list[ResponseCode]:
    """One-time codes for a round, to print on slips: each answers the round once."""
    _check_open(round)
    if not 1 <= count <= CODES_MAX_AT_ONCE:
        raise ValidationError(
            {"count": [_("Make from 1 to %(max)s codes at a time.") % {"max": CODES_MAX_AT_ONCE}]}
        )
    made: set[str] = set()
    while len(made) < count:
        batch = {
            "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
            for _j in range(count - len(made))
        }
        taken = set(ResponseCode.objects.filter(code__in=batch).values_list("code", flat=True))
        made |= batch - taken
    return ResponseCode.objects.bulk_create(
        ResponseCode(round=round, code=c, created_by=actor) for c in sorted(made)
    )


@transaction.atomic
def paper_forms_enter(
    *, round: Round, rows: list[RespondentInput], actor: AbstractBaseUser | None
) -> list[Respondent]:
    """A batch of paper forms typed in by the secretary: all rows are saved, or none.
    Errors are keyed ``row_<n>`` (1-based) with the field named in the message."""
    _check_open(round)
    question_ids = _round_question_ids(round)
    order = {
        qid: pos
        for qid, pos in RoundQuestion.objects.filter(round=round).values_list(
            "question_id", "position"
        )
    }
    errors: dict[str, list] = {}
    seen_names: set[str] = set()
    seen_forms: set[str] = set()
    labels = {
        "group": _("group"),
        "name": _("name"),
        "paper_form_number": _("paper form number"),
        "channel": _("channel"),
        "__all__": "",
    }
    for i, row in enumerate(rows, 1):
        i = row.row or i
        row_errors = _validate_respondent(
            round, row, question_ids=question_ids, seen_names=seen_names, seen_forms=seen_forms
        )
        for key, messages in row_errors.items():
            if key.startswith("q_"):
                where = _("question %(n)s") % {"n": order.get(int(key[2:]), "?")}
            else:
                where = labels.get(key, key)
            for m in messages:
                text = _("Row %(row)s") % {"row": i}
                text = f"{text}, {where}: {m}" if where else f"{text}: {m}"
                _add(errors, f"row_{i}", text)
    if not rows:
        _add(errors, "__all__", _("No form was filled in."))
    if errors:
        raise ValidationError(errors)
    return [_create(round, row, actor) for row in rows]


@transaction.atomic
def respondent_update(*, respondent: Respondent, data: RespondentInput) -> Respondent:
    """Correct a questionnaire (a typing mistake from a paper form) while the round is open."""
    rnd = respondent.round
    _check_open(rnd)
    errors = _validate_respondent(
        rnd, data, question_ids=_round_question_ids(rnd), exclude_pk=respondent.pk
    )
    if errors:
        raise ValidationError(errors)
    respondent.group = data.group
    respondent.name = normalize_name(data.name)
    respondent.name_key = name_key(data.name)
    respondent.paper_form_number = data.paper_form_number.strip()
    respondent.save(update_fields=["group", "name", "name_key", "paper_form_number"])
    # The answers are the respondent's current answers, not a history: replaced as a whole.
    respondent.answers.all().delete()
    _write(respondent, data.answers)
    return respondent
