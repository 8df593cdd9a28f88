"""Money is Decimal baht with 2 places (satang), never float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pythainlp.util import bahttext

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_AMOUNT_RE = re.compile(r"^-?\d+(\.\d{1,2})?$")

# The hard ceiling on one amount: 1,000,000,000.00 baht = 10^11 satang per journal line,
# enforced by parse_amount, by ledger.services.entries_post and by a CHECK on
# JournalLine.amount_satang (decision 0003). A signed 64-bit sum overflows at
# 9,223,372,036,854,775,807 satang, so only 92,233,721 or more lines, every one at the
# ceiling and all on the same side, could overflow one balance query — far beyond any fund.
MAX_AMOUNT = Decimal("1000000000.00")
MAX_SATANG = 100_000_000_000
# A fund's own maximum per line starts here; the chair may change it (funds.Fund).
DEFAULT_MAX_PER_LINE = Decimal("10000000.00")
# Longer text is refused before Decimal sees it (the ceiling has 10 digits + satang).
_MAX_TEXT = 64


class AmountError(ValueError):
    """The text is not an amount of baht (code says why, for the user's message)."""

    def __init__(self, code: str, value: object, limit: Decimal | None = None) -> None:
        super().__init__(f"{code}: {str(value)[:80]!r}")
        self.code = code
        self.value = value
        self.limit = limit  # for "too_large": the largest amount allowed


def to_money(value: Decimal | int | str) -> Decimal:
    """Quantize to satang; refuses floats because they cannot hold satang exactly."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: object, *, limit: Decimal | None = None) -> Decimal:
    """Parse what treasurers write: '30', '30.-', '1,234.50', '๓๐', '30 บาท'.

    Refuses more than two decimals rather than rounding silently: a typed 30.555 is a mistake.
    Refuses amounts beyond ``limit`` (either sign; at most the hard ceiling ``MAX_AMOUNT``)
    with the code ``too_large``, so nothing downstream overflows.
    """
    limit = MAX_AMOUNT if limit is None else min(limit, MAX_AMOUNT)
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
    if len(raw) > _MAX_TEXT:
        if re.fullmatch(r"-?\d+(\.\d*)?", raw):
            raise AmountError("too_large", text, limit)
        raise AmountError("not_a_number", text)
    if not _AMOUNT_RE.match(raw):
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise AmountError("not_a_number", text) from None
        if not number.is_finite():
            raise AmountError("not_a_number", text)
        if number.copy_abs() > limit:
            raise AmountError("too_large", text, limit)
        raise AmountError("too_many_decimals", text)
    number = Decimal(raw)
    if number.copy_abs() > limit:
        raise AmountError("too_large", text, limit)
    return to_money(number)


def amount_within(value: Decimal, limit: Decimal | None = None) -> bool:
    """Whether an amount (either sign) is within ``limit`` and the hard ceiling."""
    limit = MAX_AMOUNT if limit is None else min(limit, MAX_AMOUNT)
    return value.is_finite() and value.copy_abs() <= limit


def amount_in_thai_words(amount: Decimal) -> str:
    """'หนึ่งร้อยบาทถ้วน' for receipts (PyThaiNLP's bahttext).

    bahttext takes a float; below 10^12 baht every 2-place amount survives the round trip.
    Larger sums (a balance of many lines at the ceiling) are written from exact integers.
    """
    value = to_money(amount)
    if abs(value) >= Decimal("1e12"):
        from pythainlp.util import num_to_thaiword

        baht, satang = divmod(int(abs(value) * 100), 100)
        words = num_to_thaiword(baht) + "บาท"
        words += f"{num_to_thaiword(satang)}สตางค์" if satang else "ถ้วน"
        return ("ลบ" if value < 0 else "") + words
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
