"""Amounts as printed: exact ``Decimal`` parsing."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from budgetgraph.normalise import squeeze

_AMOUNT = re.compile(r"[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
_PARENTHESISED = re.compile(r"\((.+)\)")
DELTA = "△"  # printed before a decrease in Chinese accounts: △12.30 is -12.30
BLANKS = {"", "-", "—", "–", "--", "/"}
# Words printed in an amount cell where nothing is due ("单位不需填列", "不适用", "无"): blank, not an error.
NOT_APPLICABLE = re.compile(r"^(无|不适用|(本?单位)?不需?填列?)$")
NO_FIGURE = {"", "-", "—", "/"}  # a cell printed blank, whatever its mark


def is_amount(text: str) -> bool:
    return parse_amount(text) is not None


def parse_amount(text: str) -> Decimal | None:
    """Parse a printed amount exactly: thousands separators, full-width digits, minus signs (-, −, －), accounting
    parentheses and the △ of a decrease are understood; blanks and dashes are None (printed empty), anything else
    is None too.

    >>> parse_amount("1,234.50"), parse_amount("（12.00）"), parse_amount("△3.1"), parse_amount("１２．５"), parse_amount("-")
    (Decimal('1234.50'), Decimal('-12.00'), Decimal('-3.1'), Decimal('12.5'), None)
    """
    folded = squeeze(unicodedata.normalize("NFKC", text))
    if folded in BLANKS:
        return None
    negative = folded.startswith(DELTA)
    if negative:
        folded = folded[1:]
    elif match := _PARENTHESISED.fullmatch(folded):
        folded, negative = match.group(1), True
    if not _AMOUNT.fullmatch(folded):
        return None
    try:
        value = Decimal(folded.replace(",", "").replace("−", "-"))
    except InvalidOperation:
        return None
    return -value if negative else value
