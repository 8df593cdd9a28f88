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


@register.inclusion_tag("contributions/_verification.html", takes_context=True)
def document_verification(context: template.Context, entry: object) -> dict:
    """The entry's number and verification code, and a QR code pointing at the fund's public
    check page with both: members' receipts prove those entries existed (decision 0009)."""
    import segno
    from django.urls import reverse
    from django.utils.safestring import mark_safe

    seal = getattr(entry, "seal", None) if entry is not None else None
    if seal is None:
        return {"code": None}
    url = (
        reverse("public_verify", args=[entry.fund.short_code])
        + f"?code={seal.verification_code}&n={entry.seq}"
    )
    request = context.get("request")
    absolute = request.build_absolute_uri(url) if request is not None else url
    qr = segno.make(absolute, error="m")
    return {
        "seq": entry.seq,
        "code": seal.verification_code,
        "url": absolute,
        "qr": mark_safe(qr.svg_inline(scale=3, dark="#1f2933")),
    }
