"""Money is Decimal baht with 2 places (satang), never float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pythainlp.util import bahttext

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_AMOUNT_RE = re.compile(r"^-?\d+(\.\d{1,2})?$")


class AmountError(ValueError):
    """The text is not an amount of baht (code says why, for the user's message)."""

    def __init__(self, code: str, value: object) -> None:
        super().__init__(f"{code}: {value!r}")
        self.code = code
        self.value = value


def to_money(value: Decimal | int | str) -> Decimal:
    """Quantize to satang; refuses floats because they cannot hold satang exactly."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: object) -> Decimal:
    """Parse what treasurers write: '30', '30.-', '1,234.50', '๓๐', '30 บาท'.

    Refuses more than two decimals rather than rounding silently: a typed 30.555 is a mistake.
    """
    if isinstance(text, Decimal):
        raw = str(text)
    elif isinstance(text, int) and not isinstance(text, bool):
        raw = str(text)
    elif isinstance(text, float):
        # Spreadsheet cells arrive as floats; repr gives the shortest exact decimal spelling.
        raw = repr(text)
    elif isinstance(text, str):
        raw = text
    else:
        raise AmountError("not_a_number", text)
    raw = raw.translate(_THAI_DIGITS).strip()
    raw = raw.replace("บาท", "").replace("฿", "").replace(",", "").replace(" ", "")
    if raw.endswith(".-"):
        raw = raw[:-2]
    elif raw.endswith("-") and not raw.startswith("-"):
        raw = raw[:-1]
    if raw.endswith(".0") and _AMOUNT_RE.match(raw[:-2] or "x"):
        raw = raw[:-2]
    if not raw:
        raise AmountError("empty", text)
    if not _AMOUNT_RE.match(raw):
        try:
            Decimal(raw)
        except InvalidOperation:
            raise AmountError("not_a_number", text) from None
        raise AmountError("too_many_decimals", text)
    return to_money(raw)


def amount_in_thai_words(amount: Decimal) -> str:
    """'หนึ่งร้อยบาทถ้วน' for receipts (PyThaiNLP's bahttext).

    bahttext takes a float; below 10^12 baht every 2-place amount survives the round trip.
    """
    value = to_money(amount)
    if abs(value) >= Decimal("1e12"):
        raise ValueError("amount too large to write in words")
    return bahttext(float(value))


def amount_in_english_words(amount: Decimal) -> str:
    """'one hundred baht only', 'two baht and fifty satang' — the English counterpart of
    ``amount_in_thai_words`` for reports read in English (num2words writes the numbers; it
    knows no Thai currency, hence the baht and satang here)."""
    from num2words import num2words

    value = to_money(amount)
    sign = "minus " if value < 0 else ""
    baht, satang = divmod(int(abs(value) * 100), 100)
    words = f"{sign}{num2words(baht, lang='en')} baht"
    return f"{words} and {num2words(satang, lang='en')} satang" if satang else f"{words} only"
