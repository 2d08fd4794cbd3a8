"""ISBN-10 and ISBN-13 check digits."""

from __future__ import annotations

from django.utils.translation import gettext as _


class InvalidISBN(ValueError):
    """The text is not a valid ISBN; the message says why, for the editor."""


def normalize_isbn(value: str) -> str:
    """The ISBN as typed (hyphens and spaces allowed) if its check digit is right, trimmed.

    Raises InvalidISBN with a message an editor can act on.
    """
    text = (value or "").strip()
    digits = text.replace("-", "").replace(" ", "").upper()
    if len(digits) == 10:
        if not (digits[:9].isascii() and digits[:9].isdigit()) or not (
            digits[9] == "X" or digits[9].isdigit()
        ):
            raise InvalidISBN(_("An ISBN-10 is nine digits and a final digit or X."))
        values = [int(c) for c in digits[:9]] + [10 if digits[9] == "X" else int(digits[9])]
        if sum((10 - i) * v for i, v in enumerate(values)) % 11:
            raise InvalidISBN(_("This ISBN-10’s check digit is wrong: check for a typo."))
        return text
    if len(digits) == 13:
        if not (digits.isascii() and digits.isdigit()):
            raise InvalidISBN(_("An ISBN-13 is thirteen digits."))
        if sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits)) % 10:
            raise InvalidISBN(_("This ISBN-13’s check digit is wrong: check for a typo."))
        return text
    raise InvalidISBN(_("An ISBN has 10 or 13 digits (hyphens allowed)."))
