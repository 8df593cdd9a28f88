"""The contributions panel on a member's page, without the members app knowing contributions."""

from __future__ import annotations

from django import template
from django.utils import timezone

from kongtun.contributions.forms import PlanAssignForm
from kongtun.contributions.services import member_arrears

register = template.Library()


@register.inclusion_tag("contributions/_member_panel.html", takes_context=True)
def member_contributions(context: template.Context, member: object) -> dict:
    access = context.get("access")
    return {
        "member": member,
        "access": access,
        "arrears": member_arrears(member, as_of=timezone.localdate()),
        "payments": member.contributions.select_related("receipt").order_by("-period_start")[:24],
        "plan_form": PlanAssignForm(
            fund=member.fund, initial={"effective_date": timezone.localdate()}
        ),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
