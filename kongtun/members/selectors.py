"""Reads of members, always inside one fund."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kongtun.funds.models import Fund
from kongtun.members.models import Member
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
