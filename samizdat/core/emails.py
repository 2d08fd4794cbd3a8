"""Email addresses as keys: one spelling per mailbox, wherever an address finds a row.

`x@ÉXAMPLE.org`, `x@éxample.org` and `x@xn--xample-9ua.org` are one mailbox: the address is
stripped, lower-cased and its domain written in IDNA's ASCII form (punycode), with the same codec
Django's EmailValidator checks domains with. The local part is lower-cased too, as the outlet has
always compared addresses (no mail server it meets treats case there as meaningful).

Forms take addresses through `NormalizedEmailField`; services and imports call `normalize_email`
on anything else. This module imports no app of the project.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 254  # what an EmailField column holds


def normalize_email(value: str) -> str:
    """The one spelling of an address: stripped, lower case, the domain in ASCII (punycode).

    Never raises: a domain IDNA cannot encode (an empty or over-long label) is returned lower-cased
    as typed, for the form's own validation to refuse.
    """
    value = (value or "").strip().lower()
    local, at, domain = value.rpartition("@")
    if not at or not domain or domain.isascii():
        return value
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return value
    return f"{local}@{domain}"


class NormalizedEmailField(forms.EmailField):
    """An email form field whose cleaned value is `normalize_email`'s spelling.

    An address whose ASCII form no longer fits a database column is a form error, not a 500.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", MAX_LENGTH)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        normalized = normalize_email(value)
        if len(normalized) > MAX_LENGTH:
            raise ValidationError(_("This email address is too long."), code="max_length")
        return normalized


def normalize_stored_emails(model, *, scope: tuple[str, ...] = (), order: tuple[str, ...] = ("pk",),
                            unique_rows=None) -> list[int]:
    """Rewrite a model's stored addresses in `normalize_email`'s spelling (for data migrations).

    `scope` names the fields an address is unique within (the event, the letter; none: the whole
    table) and `unique_rows` the queryset the uniqueness covers (default: every row). Rows outside
    it are normalized regardless. Within it, when several rows of one scope share a normalized
    address, the oldest (by `order`) gets that spelling and the newer ones keep theirs unchanged,
    nothing deleted or merged; if a newer row already has exactly the normalized spelling, it keeps
    it and the older keeps its own. Returns the pks of the rows left as they were.
    """
    unique_rows = model._default_manager.all() if unique_rows is None else unique_rows
    unique_pks = set(unique_rows.values_list("pk", flat=True))
    rows = list(model._default_manager.order_by(*order).values_list("pk", "email", *scope))
    taken = {(normalize_email(email), *rest) for pk, email, *rest in rows
             if pk in unique_pks and normalize_email(email) == email}
    left: list[int] = []
    for pk, email, *rest in rows:
        normalized = normalize_email(email)
        if normalized == email:
            continue
        if pk in unique_pks:
            key = (normalized, *rest)
            if key in taken:
                left.append(pk)
                continue
            taken.add(key)
        model._default_manager.filter(pk=pk).update(email=normalized)
    return left
