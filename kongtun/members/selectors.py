"""Reads of members, always inside one fund."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kongtun.funds.models import Fund
from kongtun.members.models import (
    AccessKind,
    Member,
    PersonalDataAccess,
    PersonalDataAccessItem,
    role_labels,
)
from kongtun.members.services import normalize_name


def member_search(
    *, fund: Fund, q: str = "", village_id: int | None = None, status: str = ""
) -> QuerySet[Member]:
    """Find by member number, Thai name (partial, normalized), the last digits of the national
    ID, within one fund. Digits of 4+ characters search the ID's end and the number."""
    qs = Member.objects.filter(fund=fund).select_related("village", "occupation")
    q = normalize_name(q).translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    if q:
        cond = Q(number__iexact=q) | Q(number__istartswith=q)
        compact = q.replace("-", "").replace(" ", "")
        if compact.isdigit():
            if len(compact) >= 4:
                cond |= Q(national_id__endswith=compact)
        else:
            words_match = Q()
            for word in q.casefold().split():
                words_match &= Q(name_search__contains=word)
            cond |= words_match
        qs = qs.filter(cond)
    if village_id:
        qs = qs.filter(village_id=village_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("number")


def member_counts(*, fund: Fund) -> dict:
    by_status = dict(
        Member.objects.filter(fund=fund).values_list("status").annotate(n=Count("id")).order_by()
    )
    by_village = list(
        Member.objects.filter(fund=fund, status="active")
        .values("village__number", "village__name_th")
        .annotate(n=Count("id"))
        .order_by("village__number")
    )
    by_occupation = list(
        Member.objects.filter(fund=fund, status="active")
        .values("occupation__name_th", "occupation__name_en")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    by_sex = dict(
        Member.objects.filter(fund=fund, status="active")
        .values_list("sex")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "by_status": by_status,
        "total": sum(by_status.values()),
        "active": by_status.get("active", 0),
        "by_village": by_village,
        "by_occupation": by_occupation,
        "by_sex": by_sex,
    }


# --- the personal-data access log ------------------------------------------------------------


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def access_log_search(
    *,
    fund: Fund,
    member_ids: QuerySet | list[int] | None = None,
    user_id: int | None = None,
    kind: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[PersonalDataAccess]:
    """Looks at the fund's members' personal data, newest first: those that showed one of
    ``member_ids`` (when given) and the ``kind`` (when given), by ``user_id``, on days from
    ``date_from`` to ``date_to`` inclusive (the fund's local days)."""
    qs = PersonalDataAccess.objects.filter(fund=fund).select_related("user")
    if member_ids is not None or kind:
        items = PersonalDataAccessItem.objects.filter(access=OuterRef("pk"))
        if member_ids is not None:
            items = items.filter(member_id__in=member_ids)
        if kind:
            items = items.filter(kind=kind)
        qs = qs.filter(Exists(items))
    if user_id:
        qs = qs.filter(user_id=user_id)
    if date_from:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs.order_by("-at", "-id")


def access_log_with_members(looks: list[PersonalDataAccess] | QuerySet) -> list[PersonalDataAccess]:
    """The looks with ``shown_members`` (each member once, by number): one query for a page."""
    looks = list(looks)
    items = (
        PersonalDataAccessItem.objects.filter(access__in=[lk.pk for lk in looks])
        .select_related("member")
        .order_by("member__number")
    )
    by_look: dict[int, dict[int, Member]] = {}
    for it in items:
        by_look.setdefault(it.access_id, {})[it.member_id] = it.member
    for lk in looks:
        lk.shown_members = list(by_look.get(lk.pk, {}).values())
    return looks


def access_log_rows(looks: QuerySet[PersonalDataAccess]) -> QuerySet[PersonalDataAccessItem]:
    """One row per member and kind of the given looks, for the spreadsheet and CSV exports."""
    return (
        PersonalDataAccessItem.objects.filter(access__in=looks.values("pk"))
        .select_related("access", "access__user", "member")
        .order_by("-access__at", "-access_id", "member__number", "kind")
    )


@dataclass
class LookAtMe:
    at: dt.datetime
    user: AbstractBaseUser
    roles: list[str]
    kinds: list[str]

    @property
    def kind_labels(self) -> list[str]:
        return [str(AccessKind(k).label) for k in self.kinds]

    @property
    def role_labels(self) -> list[str]:
        return role_labels(self.roles)


def looks_at_member(
    *, member: Member, exclude_user: AbstractBaseUser | None = None, limit: int = 100
) -> list[LookAtMe]:
    """Who saw this member's personal data, newest first (what the member sees on their own
    page): the viewer, their roles then, which kinds of this member's data, when."""
    items = (
        PersonalDataAccessItem.objects.filter(member=member)
        .select_related("access", "access__user")
        .order_by("-access__at", "-access_id")
    )
    if exclude_user is not None:
        items = items.exclude(access__user=exclude_user)
    looks: dict[int, LookAtMe] = {}
    for it in items.iterator():
        look = looks.get(it.access_id)
        if look is None:
            if len(looks) >= limit:
                break
            look = looks[it.access_id] = LookAtMe(
                at=timezone.localtime(it.access.at),
                user=it.access.user,
                roles=[r for r in it.access.roles.split(",") if r],
                kinds=[],
            )
        look.kinds.append(it.kind)
    return list(looks.values())


THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
LOOKUP_LIMIT = 8  # more matches than a phone can show as a choice: type more of the name
_NUMBER_LIKE = re.compile(r"[\d\s./-]+")


def number_matches(typed: str, number: str) -> bool:
    """Whether a member number was meant by what someone typed: the same digit groups as
    numbers, so without leading zeros ("5-102" for "05-0102"), or the digits run together
    with or without those zeros ("5102", "050102"). Thai digits count as digits."""
    typed_groups = re.findall(r"\d+", typed.translate(THAI_DIGITS))
    groups = re.findall(r"\d+", number)
    if not typed_groups or not groups:
        return False
    if len(typed_groups) > 1:
        return [int(g) for g in typed_groups] == [int(g) for g in groups]
    pattern = "".join(f"0*{int(g)}" for g in groups)
    return re.fullmatch(pattern, typed_groups[0]) is not None


def member_lookup(*, fund: Fund, text: str, limit: int = LOOKUP_LIMIT) -> list[Member]:
    """The fund's members someone at the meeting meant by ``text``: the exact number alone if
    there is one; else numbers as people type them (``number_matches``); else every word of
    a (partial, Thai) name. Several matches are a choice for the person, never a guess."""
    q = normalize_name(text).translate(THAI_DIGITS)
    if not q:
        return []
    members = Member.objects.filter(fund=fund)
    exact = members.filter(number__iexact=q).first()
    if exact is not None:
        return [exact]
    if _NUMBER_LIKE.fullmatch(q):
        pks = [
            pk
            for pk, number in members.values_list("pk", "number").iterator()
            if number_matches(q, number)
        ]
        return list(members.filter(pk__in=pks[:limit]).order_by("number"))
    words = Q()
    for word in q.casefold().split():
        words &= Q(name_search__contains=word)
    return list(members.filter(words).order_by("number")[:limit])
