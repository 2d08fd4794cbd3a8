"""Money as integer minor units with a currency: parsing what readers type, and showing it.

Never a float: amounts are parsed with Decimal and stored as whole cents (or yen).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# ISO 4217 code → (symbol, digits after the decimal point). Stripe's zero-decimal ones have 0.
CURRENCIES: dict[str, tuple[str, int]] = {
    "EUR": ("€", 2), "USD": ("$", 2), "GBP": ("£", 2), "CAD": ("CA$", 2), "AUD": ("A$", 2),
    "CHF": ("CHF ", 2), "SEK": ("kr ", 2), "NOK": ("kr ", 2), "DKK": ("kr ", 2), "PLN": ("zł ", 2),
    "MXN": ("MX$", 2), "BRL": ("R$", 2), "ARS": ("AR$", 2), "CLP": ("CLP ", 0), "COP": ("COL$", 2),
    "INR": ("₹", 2), "ZAR": ("R ", 2), "JPY": ("¥", 0), "KRW": ("₩", 0), "TRY": ("₺", 2),
}

NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")  # digits with one decimal point, no exponent
MAX_DIGITS = 30  # no amount has more digits than this on either side of the point


class AmountError(ValueError):
    """What is wrong with an amount, in words a reader understands."""


def currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in sorted(CURRENCIES)]


def digits(currency: str) -> int:
    try:
        return CURRENCIES[currency.upper()][1]
    except KeyError:
        raise AmountError(_("Unknown currency: %(code)s.") % {"code": currency}) from None


def to_minor(major: Decimal | int | str, currency: str) -> int:
    """Whole minor units of a major amount (30 EUR → 3000); raises AmountError if not exact.

    Exact integer arithmetic, never a float (a float is refused: 0.1 + 0.2 is not 0.3) and never
    rounded by a Decimal context, however many digits the amount has.
    """
    if isinstance(major, float):
        raise TypeError("Money is never a float: pass a Decimal, an int or a str.")
    places = digits(currency)
    try:
        value = Decimal(str(major))
    except InvalidOperation:
        raise AmountError(_("Enter an amount as a number, e.g. 30 or 30.50.")) from None
    if not value.is_finite():
        raise AmountError(_("Enter an amount as a number, e.g. 30 or 30.50."))
    if value and value.adjusted() > MAX_DIGITS:
        raise AmountError(_("That amount is too large."))
    if value and value.adjusted() < -MAX_DIGITS:
        raise AmountError(_too_precise(places))
    numerator, denominator = value.as_integer_ratio()
    minor, remainder = divmod(numerator * 10**places, denominator)
    if remainder:
        raise AmountError(_too_precise(places))
    return minor


def _too_precise(places: int) -> str:
    """The message for an amount with more decimals than the currency has."""
    if places == 0:
        return _("Enter a whole amount, with no decimals.")
    return _("Use at most %(places)s digits after the decimal point.") % {"places": places}


def parse_amount(text: str, currency: str, maximum_minor: int | None = None) -> int:
    """What a reader typed → minor units; AmountError (saying what is wrong) if not an amount.

    Takes "30", "30.50", "30,50" (a decimal comma), "1,000" and "1 000" (grouped thousands),
    "1,000.50" and "1.000,50" (the last separator is the decimal one), "1'000" (Swiss), with
    or without a currency symbol or code ("€30", "EUR 30"). A lone dot is always the decimal
    point ("1.000" is one). Rejects zero, negatives, non-numbers (exponents too: "1e3"), too
    many decimals for the currency and amounts over the maximum (CAMPAIGN_MAX_AMOUNT by default).
    """
    places = digits(currency)
    cleaned = "".join(str(text).split()).upper()
    tokens = {symbol.strip().upper() for symbol, _places in CURRENCIES.values()} | {currency.upper()}
    for token in sorted(tokens, key=len, reverse=True):  # "CA$" before "$", "EUR" before "R"
        cleaned = cleaned.replace(token, "")
    cleaned = cleaned.replace("'", "").replace("\u2019", "")
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")  # "1.000,50"
        else:
            cleaned = cleaned.replace(",", "")  # "1,000.50"
    elif "," in cleaned and len(cleaned.rsplit(",", 1)[1]) != 3:
        cleaned = cleaned.replace(",", ".")  # a decimal comma: "30,50"
    else:
        cleaned = cleaned.replace(",", "")  # thousands separators: "1,000"
    if not cleaned:
        raise AmountError(_("Enter an amount."))
    if not NUMBER.fullmatch(cleaned):
        raise AmountError(_("Enter an amount as a number, e.g. 30 or 30.50."))
    value = Decimal(cleaned)
    if value <= 0:
        raise AmountError(_("Enter an amount greater than zero."))
    if maximum_minor is None:
        maximum_minor = to_minor(settings.CAMPAIGN_MAX_AMOUNT, currency)
    if value > Decimal(maximum_minor).scaleb(-places):
        raise AmountError(_("The most we take online in one gift is %(amount)s; write to us for more.")
                          % {"amount": format_money(maximum_minor, currency)})
    return to_minor(value, currency)


def format_money(minor: int | None, currency: str, whole: bool = False) -> str:
    """3000, "EUR" → "€30.00" (or "€30" with `whole` when there are no cents)."""
    symbol, places = CURRENCIES.get(currency.upper(), (currency.upper() + " ", 2))
    minor = minor or 0
    sign = "-" if minor < 0 else ""
    major = Decimal(abs(minor)) / (10**places)
    shown_places = 0 if (whole and major == major.to_integral_value()) else places
    return f"{sign}{symbol}{number_format(major, decimal_pos=shown_places, force_grouping=True)}"
