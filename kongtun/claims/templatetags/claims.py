"""The claims panel on a member's page, without the members app knowing claims."""

from __future__ import annotations

from django import template
from django.utils import timezone

from kongtun.claims.selectors import member_caps, with_live_payout

register = template.Library()


@register.inclusion_tag("claims/_member_panel.html", takes_context=True)
def member_claims(context: template.Context, member: object) -> dict:
    access = context.get("access")
    today = timezone.localdate()
    version, caps = member_caps(member, on=today)
    return {
        "member": member,
        "access": access,
        "claims": with_live_payout(member.claims.order_by("-event_date", "-id"))[:30],
        "version": version,
        "caps": caps,
        "can_file": bool(access and (access.can("decide_claims") or access.member_id == member.pk)),
        "request": context.get("request"),
    }
