"""Money as integer minor units with a currency: parsing what readers type, and showing it.

Never a float: amounts are parsed with Decimal and stored as whole cents (or yen).
"""

from __future__ import annotations

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
    """Whole minor units of a major amount (30 EUR → 3000); raises AmountError if not exact."""
    places = digits(currency)
    value = Decimal(str(major)) * (10**places)
    if value != value.to_integral_value():
        raise AmountError(_("Use at most %(places)s digits after the decimal point.") % {"places": places})
    return int(value)


def parse_amount(text: str, currency: str, maximum_minor: int | None = None) -> int:
    """What a reader typed ("30", "30.50", "30,50", "1 000") → minor units; AmountError if not an amount.

    Rejects zero, negatives, non-numbers, too many decimals and amounts over the maximum.
    """
    cleaned = "".join(str(text).split()).replace("\u00a0", "")
    for symbol in {symbol.strip() for symbol, _places in CURRENCIES.values()} | {currency.upper()}:
        cleaned = cleaned.replace(symbol, "")
    if "," in cleaned and "." not in cleaned and len(cleaned.rsplit(",", 1)[1]) != 3:
        cleaned = cleaned.replace(",", ".")  # a decimal comma: "30,50"
    cleaned = cleaned.replace(",", "")  # thousands separators: "1,000"
    if not cleaned:
        raise AmountError(_("Enter an amount."))
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AmountError(_("Enter an amount as a number, e.g. 30 or 30.50.")) from None
    if not value.is_finite():
        raise AmountError(_("Enter an amount as a number, e.g. 30 or 30.50."))
    if value <= 0:
        raise AmountError(_("Enter an amount greater than zero."))
    minor = to_minor(value, currency)
    if maximum_minor is None:
        maximum_minor = to_minor(settings.CAMPAIGN_MAX_AMOUNT, currency)
    if minor > maximum_minor:
        raise AmountError(_("The most we take online in one gift is %(amount)s; write to us for more.")
                          % {"amount": format_money(maximum_minor, currency)})
    return minor


def format_money(minor: int | None, currency: str, whole: bool = False) -> str:
    """3000, "EUR" → "€30.00" (or "€30" with `whole` when there are no cents)."""
    symbol, places = CURRENCIES.get(currency.upper(), (currency.upper() + " ", 2))
    minor = minor or 0
    sign = "-" if minor < 0 else ""
    major = Decimal(abs(minor)) / (10**places)
    shown_places = 0 if (whole and major == major.to_integral_value()) else places
    return f"{sign}{symbol}{number_format(major, decimal_pos=shown_places, force_grouping=True)}"
