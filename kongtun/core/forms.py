"""Form fields shared by every app: dates typed as Thai treasurers write them, and baht."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kongtun.core.money import MAX_AMOUNT, AmountError, parse_amount
from kongtun.core.thaidates import DateParseError, format_date_input, parse_date

DATE_ERRORS = {
    "empty": _("Please enter a date."),
    "format": _("Write the date as day/month/year, e.g. 15/03/2567."),
    "month": _("Unknown month name."),
    "year": _("The year is not valid; write it in the Buddhist Era (e.g. 2567) or as 2024."),
    "not_a_date": _("This date does not exist."),
}
AMOUNT_ERRORS = {
    "empty": _("Please enter an amount."),
    "not_a_number": _("The amount is not a number."),
    "too_many_decimals": _("An amount has at most 2 decimals (satang)."),
    "too_large": _("The amount is too large: at most %(max)s baht."),
}


def amount_error_message(exc: AmountError) -> str:
    """The user's message for a refused amount (``too_large`` names the limit)."""
    message = AMOUNT_ERRORS[exc.code]
    if exc.code == "too_large":
        return message % {"max": f"{exc.limit if exc.limit is not None else MAX_AMOUNT:,.2f}"}
    return message


class ThaiDateInput(forms.TextInput):
    """A text box showing dd/mm/yyyy in the Buddhist Era in Thai (a phone's date picker would
    show the Gregorian calendar, which Thai books do not use)."""

    def __init__(self, attrs: dict | None = None) -> None:
        base = {"inputmode": "numeric", "autocomplete": "off", "placeholder": _("dd/mm/yyyy")}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: object) -> str | None:
        if isinstance(value, dt.date):
            return format_date_input(value, get_language() or "th")
        return super().format_value(value)


class ThaiDateField(forms.Field):
    widget = ThaiDateInput

    def to_python(self, value: object) -> dt.date | None:
        if value in self.empty_values:
            return None
        try:
            return parse_date(value)
        except DateParseError as exc:
            raise forms.ValidationError(DATE_ERRORS[exc.code], code=exc.code) from None


class BahtField(forms.Field):
    """Baht as treasurers type them. ``max_amount`` (either sign) is at most the hard ceiling
    ``core.money.MAX_AMOUNT``; a form that knows its fund may lower it to the fund's maximum
    per line (``funds.Fund.max_amount_per_line``)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(
        self, *, positive: bool = True, max_amount: Decimal | None = None, **kwargs: object
    ) -> None:
        self.positive = positive
        self.max_amount = max_amount
        super().__init__(**kwargs)

    def to_python(self, value: object) -> Decimal | None:
        if value in self.empty_values:
            return None
        try:
            amount = parse_amount(value, limit=self.max_amount)
        except AmountError as exc:
            raise forms.ValidationError(amount_error_message(exc), code=exc.code) from None
        if self.positive and amount <= 0:
            raise forms.ValidationError(
                _("The amount must be more than zero."), code="not_positive"
            )
        return amount


def apply_service_errors(
    form: forms.BaseForm,
    exc: object,
    field_map: dict[str, str] | None = None,
    *,
    keep_existing: bool = False,
) -> None:
    """Put a service's ValidationError (keyed by field) onto the form, so the page names the
    field the service refused. ``keep_existing``: a field the form already refused keeps its
    own message (the service ran on what the form could read, to name every mistake at once)."""
    field_map = field_map or {}
    for name, messages in getattr(
        exc, "message_dict", {"__all__": getattr(exc, "messages", [])}
    ).items():
        target = field_map.get(name, name)
        target = target if target in form.fields else None
        if keep_existing and (target or "__all__") in form.errors:
            continue
        for message in messages:
            form.add_error(target, message)
