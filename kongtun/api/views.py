"""The user's own API tokens: list (with last use and expiry), create (shown once), revoke."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kongtun.api.models import api_token_create, api_token_revoke, api_tokens_of
from kongtun.core.forms import ThaiDateField

#: The longest a token made on the page may live.
MAX_TOKEN_DAYS = 366


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name (what the token is for)"), max_length=100)
    expires_on = ThaiDateField(
        label=gettext_lazy("valid until (inclusive)"),
        help_text=gettext_lazy("At most a year from today."),
    )

    def clean_expires_on(self) -> dt.date:
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError(_("The day has already passed."))
        if day > today + dt.timedelta(days=MAX_TOKEN_DAYS):
            raise forms.ValidationError(_("At most a year from today."))
        return day


def end_of_day(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in the server's time zone (a token valid until 31 March
    works all of 31 March in Thailand)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    shown = None
    form = TokenForm(initial={"expires_on": timezone.localdate() + dt.timedelta(days=90)})
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                token_id = int(request.POST["revoke"])
            except ValueError:
                token_id = 0
            api_token_revoke(user=request.user, token_id=token_id)
            return redirect("api_tokens")
        form = TokenForm(request.POST)
        if form.is_valid():
            shown = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_at=end_of_day(form.cleaned_data["expires_on"]),
            )
            form = TokenForm(initial={"expires_on": form.cleaned_data["expires_on"]})
    return render(
        request,
        "api/tokens.html",
        {
            "tokens": api_tokens_of(request.user),
            "form": form,
            "shown": shown,
            "now": timezone.now(),
        },
    )
